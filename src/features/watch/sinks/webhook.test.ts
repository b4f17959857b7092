/** The webhook sink against a real HTTP receiver on 127.0.0.1 that is down for a while, then up. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeAlert, type Alert } from '../alert.ts';
import { displayUrl, parseWebhookUrl, webhookSink } from './webhook.ts';

const alert = (n: number): Alert => makeAlert({ kind: 'exec', severity: 'medium', message: `m${n}`, details: { execId: String(n), command: ['/x'] } });

interface Receiver {
  url: string;
  got: Alert[];
  up(): Promise<void>;
  down(): Promise<void>;
  status: number;
}

/** Binds a port, then can stop and start listening on it (connections refused while down). */
async function receiver(): Promise<Receiver> {
  const got: Alert[] = [];
  let server: Server | undefined;
  const r: Receiver = {
    url: '',
    got,
    status: 200,
    async up() {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c));
        req.on('end', () => {
          if (r.status === 200) got.push(JSON.parse(body) as Alert);
          res.writeHead(r.status).end();
        });
      });
      const port = r.url ? Number(new URL(r.url).port) : 0;
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
      r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    },
    async down() {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    },
  };
  await r.up();
  return r;
}

test('down, then up: every alert within the queue bound arrives, once, in order', async () => {
  const r = await receiver();
  await r.down();
  const failures: string[] = [];
  const sink = webhookSink({ url: r.url, queue: 50, backoffMs: 20, maxBackoffMs: 100, onFailure: (m) => failures.push(m) });
  for (let i = 0; i < 40; i++) sink.write(alert(i));
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(r.got.length, 0);
  assert.ok(failures.some((f) => /ECONNREFUSED/.test(f)), failures.join('; '));
  assert.equal(sink.stats().queued, 40);
  await r.up();
  assert.equal(await sink.flush(5000), 0);
  assert.deepEqual(r.got.map((a) => a.message), Array.from({ length: 40 }, (_, i) => `m${i}`));
  assert.deepEqual({ ...sink.stats(), failures: 0 }, { queued: 0, delivered: 40, dropped: 0, failures: 0 });
  await sink.close();
  await r.down();
});

test('past the queue bound the oldest are dropped and the endpoint is told how many, in their place', async () => {
  const r = await receiver();
  await r.down();
  const sink = webhookSink({ url: r.url, queue: 5, backoffMs: 20, maxBackoffMs: 50 });
  for (let i = 0; i < 8; i++) sink.write(alert(i));
  await new Promise((res) => setTimeout(res, 100));
  await r.up();
  assert.equal(await sink.flush(5000), 0);
  const seen = r.got.map((a) => (a.kind === 'alerts-dropped' ? `dropped ${(a.details as { dropped: number }).dropped}` : a.message));
  // m0..m2 made way for m5..m7; the notice comes where they would have been.
  assert.deepEqual(seen, ['dropped 3', 'm3', 'm4', 'm5', 'm6', 'm7']);
  assert.equal(sink.stats().dropped, 3);
  await sink.close();
  await r.down();
});

test('a 4xx the endpoint will never accept drops that alert (counted) instead of blocking the queue; a 503 is retried', async () => {
  const r = await receiver();
  r.status = 400;
  const failures: string[] = [];
  const sink = webhookSink({ url: r.url, backoffMs: 20, onFailure: (m) => failures.push(m) });
  sink.write(alert(1));
  await sink.flush(2000);
  assert.match(failures[0] ?? '', /HTTP 400: the alert was dropped/);
  r.status = 503;
  sink.write(alert(2));
  await new Promise((res) => setTimeout(res, 150));
  assert.equal(sink.stats().queued, 1);
  r.status = 200;
  assert.equal(await sink.flush(3000), 0);
  assert.deepEqual(r.got.map((a) => a.message), ['m2']);
  await sink.close();
  await r.down();
});

test('webhook URLs: only http(s); a password in one is never shown', () => {
  assert.throws(() => parseWebhookUrl('ftp://x'), /http:\/\/ or https:\/\//);
  assert.throws(() => parseWebhookUrl('not a url'), /is not a URL/);
  assert.equal(displayUrl(new URL('https://u:s3cret@hooks.example/x?token=abc')), 'https://u:****(6 chars)@hooks.example/x?%E2%80%A6');
});
