import type { Socket } from 'node:net';

/** The answering half of a test proxy: the engine's bytes go back to the client, and either side closing closes both. */
export function relayAnswers(client: Socket, up: Socket): void {
  up.on('data', (chunk) => client.write(chunk));
  const end = (): void => {
    client.destroy();
    up.destroy();
  };
  client.on('close', end).on('error', end);
  up.on('close', end).on('error', end);
}
