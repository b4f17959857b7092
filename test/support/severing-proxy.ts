/**
 * A unix-socket proxy in front of the real engine that forwards requests faithfully
 * until a chosen request, then cuts every connection and stops listening: from the
 * client's side, exactly what a dockerd that dies mid-audit looks like, without killing
 * the engine the other tests share.
 */
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relayAnswers } from './relay.ts';

export interface SeveringProxy {
  socketPath: string;
  /** Request lines seen, e.g. `GET /v1.41/info HTTP/1.1`. */
  seen: string[];
  close(): Promise<void>;
}

export async function startSeveringProxy(opts: { upstream?: string; severWhen: (requestLine: string) => boolean }): Promise<SeveringProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-proxy-'));
  const socketPath = join(dir, 'docker.sock');
  const upstream = opts.upstream ?? '/var/run/docker.sock';
  const sockets = new Set<Socket>();
  const seen: string[] = [];
  let severed = false;
  const server: Server = createServer((client) => {
    sockets.add(client);
    const up = createConnection(upstream);
    sockets.add(up);
    client.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('latin1').split('\r\n')) {
        if (/^(GET|POST|HEAD|PUT|DELETE) \//.test(line)) {
          seen.push(line);
          if (!severed && opts.severWhen(line)) {
            severed = true;
            server.close();
            for (const s of sockets) s.destroy();
            return;
          }
        }
      }
      up.write(chunk);
    });
    relayAnswers(client, up);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
