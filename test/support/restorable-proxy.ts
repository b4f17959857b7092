/**
 * A unix-socket proxy in front of the real engine that can be cut (every connection
 * dropped, new ones refused: what a client sees when dockerd dies) and restored (the
 * socket answers again: dockerd is back, with its event buffer intact).
 */
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relayAnswers } from './relay.ts';

export interface RestorableProxy {
  socketPath: string;
  /** Request lines seen, e.g. `GET /v1.41/events?since=... HTTP/1.1`. */
  seen: string[];
  sever(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startRestorableProxy(upstream = '/var/run/docker.sock'): Promise<RestorableProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-proxy-'));
  const socketPath = join(dir, 'docker.sock');
  const sockets = new Set<Socket>();
  const seen: string[] = [];
  let server: Server | undefined;
  const listen = async (): Promise<void> => {
    server = createServer((client) => {
      const up = createConnection(upstream);
      sockets.add(client).add(up);
      client.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('latin1').split('\r\n')) if (/^(GET|POST|HEAD|PUT|DELETE) \//.test(line)) seen.push(line);
        up.write(chunk);
      });
      relayAnswers(client, up);
      client.on('close', () => sockets.delete(client));
      up.on('close', () => sockets.delete(up));
    });
    await new Promise<void>((resolve) => server?.listen(socketPath, resolve));
  };
  const sever = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    rmSync(socketPath, { force: true });
  };
  await listen();
  return { socketPath, seen, sever, restore: listen, close: async () => {
    await sever();
    rmSync(dir, { recursive: true, force: true });
  } };
}
