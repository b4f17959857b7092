/**
 * A unix-socket proxy in front of the real engine that forwards every byte unchanged and
 * keeps what clients sent, so a test can read the exact `POST /containers/create` body
 * the real docker CLI produced (DOCKER_HOST=unix://<socketPath>).
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relayAnswers } from './relay.ts';

export interface CaptureProxy {
  socketPath: string;
  /** Bodies of the create requests seen so far, with their query strings. */
  createRequests(): Array<{ query: string; body: string }>;
  close(): Promise<void>;
}

export async function startCaptureProxy(upstream = '/var/run/docker.sock'): Promise<CaptureProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-capture-'));
  const socketPath = join(dir, 'docker.sock');
  const sockets = new Set<Socket>();
  const streams: Buffer[][] = [];
  const server = createServer((client) => {
    const sent: Buffer[] = [];
    streams.push(sent);
    const up = createConnection(upstream);
    sockets.add(client).add(up);
    client.on('data', (chunk: Buffer) => {
      sent.push(chunk);
      up.write(chunk);
    });
    relayAnswers(client, up);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    createRequests() {
      const out: Array<{ query: string; body: string }> = [];
      for (const chunks of streams) {
        let rest = Buffer.concat(chunks);
        for (;;) {
          const headEnd = rest.indexOf('\r\n\r\n');
          if (headEnd < 0) break;
          const head = rest.subarray(0, headEnd).toString('latin1');
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          const body = rest.subarray(headEnd + 4, headEnd + 4 + length);
          const m = /^POST \/v[\d.]+\/containers\/create(?:\?(\S*))? HTTP/.exec(head);
          if (m) out.push({ query: m[1] ?? '', body: body.toString('utf8') });
          rest = rest.subarray(headEnd + 4 + length);
        }
      }
      return out;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
