/**
 * The bulk reader of engine answers (raw-stream.ts): byte for byte what node:http reads from
 * the real engine, and each way an answer can go wrong, from servers on real unix sockets
 * that misbehave on purpose (an engine cannot be made to).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTestImages, IMAGES } from '../../../test/support/engine.ts';
import { EngineClient } from './client.ts';
import { EngineError } from './errors.ts';
import { rawStreamGet, type RawStreamFailure } from './raw-stream.ts';

before(ensureTestImages);

async function digest(body: AsyncIterable<Buffer>): Promise<{ bytes: number; sha: string }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of body) {
    h.update(c);
    bytes += c.length;
  }
  return { bytes, sha: h.digest('hex') };
}

test('an export read by the bulk reader is byte for byte the one node:http reads', async () => {
  const client = await EngineClient.connect();
  try {
    const path = `/images/${encodeURIComponent(IMAGES.plain)}/get`;
    const raw = await client.stream('GET', path, { readAheadBytes: 1024 * 1024, idleTimeoutMs: 15_000 });
    const viaHttp = await client.stream('GET', path, {});
    assert.equal(raw.status, 200);
    assert.equal(raw.headers['content-type'], 'application/x-tar');
    const [a, b] = await Promise.all([digest(raw.body), digest(viaHttp.body)]);
    assert.ok(a.bytes > 1024);
    assert.deepEqual(a, b);
  } finally {
    client.close();
  }
});

/** A unix-socket server answering every connection with `answer` (after the request arrives). */
async function fakeEngine(answer: (s: Socket) => void): Promise<{ socketPath: string; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-raw-'));
  const socketPath = join(dir, 'engine.sock');
  const open = new Set<Socket>();
  const server = createServer((s) => {
    open.add(s);
    s.on('error', () => undefined);
    s.once('data', () => answer(s));
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  return {
    socketPath,
    close: () => {
      for (const s of open) s.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const failure = (f: RawStreamFailure): Error => Object.assign(new Error(f.kind === 'timeout' ? `timeout:${f.phase}` : f.kind), { failure: f });
const kindOf = (e: unknown): string => ((e as { failure?: RawStreamFailure }).failure?.kind === 'timeout' ? (e as Error).message : ((e as { failure?: RawStreamFailure }).failure?.kind ?? String(e)));

async function get(socketPath: string, extra: { headersTimeoutMs?: number; idleTimeoutMs?: number; readAheadBytes?: number; signal?: AbortSignal } = {}) {
  return rawStreamGet({ socketPath, path: '/v1.45/images/x/get', headersTimeoutMs: 2000, idleTimeoutMs: 0, readAheadBytes: 1024 * 1024, ...extra }, failure);
}

test('chunked, sized and connection-framed answers are read whole; the status and headers reach the caller', async () => {
  const chunked = await fakeEngine((s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'));
  const sized = await fakeEngine((s) => s.end('HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nno image!'));
  const untilClose = await fakeEngine((s) => {
    s.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of ');
    setTimeout(() => s.end('it'), 20);
  });
  try {
    const a = await get(chunked.socketPath);
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], 'application/x-tar');
    assert.equal(Buffer.concat(await a.body.toArray()).toString(), 'hello world');
    const b = await get(sized.socketPath);
    assert.equal(b.status, 404);
    assert.equal(Buffer.concat(await b.body.toArray()).toString(), 'no image!');
    const c = await get(untilClose.socketPath);
    assert.equal(Buffer.concat(await c.body.toArray()).toString(), 'all of it');
  } finally {
    chunked.close();
    sized.close();
    untilClose.close();
  }
});

test('a chunked body is read across reads however they fall, and damaged framing fails it as protocol, naming the fault', async () => {
  const pieces = ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', '3\r', '\nabc', '\r\n4;ext=1\r\ndefg\r\n0\r\nX-Trailer: t\r\n', '\r\n'];
  const spread = await fakeEngine(async (s) => {
    for (const p of pieces) {
      s.write(p);
      await sleep(15);
    }
    s.end();
  });
  const damaged = await fakeEngine((s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n'));
  try {
    const a = await get(spread.socketPath);
    assert.equal(Buffer.concat(await a.body.toArray()).toString(), 'abcdefg');
    const b = await get(damaged.socketPath);
    await assert.rejects(b.body.toArray(), (e: unknown) => {
      const f = (e as { failure?: RawStreamFailure }).failure;
      return f?.kind === 'protocol' && /chunked body: the end of a chunk's data expected, found "X"/.test(f.detail);
    });
  } finally {
    spread.close();
    damaged.close();
  }
});

test('an answer cut before its end fails the body (gone), never ends it quietly', async () => {
  const engine = await fakeEngine((s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
    setTimeout(() => s.destroy(), 20);
  });
  const sized = await fakeEngine((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'));
  try {
    const a = await get(engine.socketPath);
    await assert.rejects(a.body.toArray(), (e: unknown) => kindOf(e) === 'gone');
    const b = await get(sized.socketPath);
    await assert.rejects(b.body.toArray(), (e: unknown) => kindOf(e) === 'gone');
  } finally {
    engine.close();
    sized.close();
  }
});

test('no headers in time, silence mid-answer, and an answer that is not HTTP each fail as such', async () => {
  const silent = await fakeEngine(() => undefined);
  const stalls = await fakeEngine((s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'));
  const notHttp = await fakeEngine((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
  try {
    const t0 = performance.now();
    await assert.rejects(get(silent.socketPath, { headersTimeoutMs: 150 }), (e: unknown) => kindOf(e) === 'timeout:headers');
    assert.ok(performance.now() - t0 < 2000);
    const b = await get(stalls.socketPath, { idleTimeoutMs: 150 });
    await assert.rejects(b.body.toArray(), (e: unknown) => kindOf(e) === 'timeout:idle');
    await assert.rejects(get(notHttp.socketPath), (e: unknown) => kindOf(e) === 'protocol');
  } finally {
    silent.close();
    stalls.close();
    notHttp.close();
  }
});

test('nothing listening is a socket failure the caller words (no such socket)', async () => {
  await assert.rejects(get('/nonexistent/moat/engine.sock'), (e: unknown) => (e as { failure?: RawStreamFailure }).failure?.kind === 'socket');
  const client = new EngineClient({ endpoint: { kind: 'unix', socketPath: '/nonexistent/moat/engine.sock', display: 'unix:///nonexistent/moat/engine.sock' } });
  await assert.rejects(client.stream('GET', '/images/x/get', { readAheadBytes: 1024 }), (e: unknown) => e instanceof EngineError && /no Docker engine socket/.test(e.message));
});

test('an abort ends the read: before the headers a rejection with its reason, after them a body destroyed without an engine error', async () => {
  const silent = await fakeEngine(() => undefined);
  const endless = await fakeEngine((s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    const t = setInterval(() => s.write('5\r\nhello\r\n'), 5);
    s.on('close', () => clearInterval(t));
  });
  try {
    const ac = new AbortController();
    const pending = get(silent.socketPath, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('interrupted')), 30);
    await assert.rejects(pending, /interrupted/);
    const ac2 = new AbortController();
    const r = await get(endless.socketPath, { signal: ac2.signal });
    setTimeout(() => ac2.abort(new Error('interrupted')), 50);
    let got = 0;
    // As node:http's path: the body is destroyed without an error of its own, which an iterator
    // reports as a premature close; the caller, whose signal it was, knows why (never 'gone').
    await assert.rejects(
      (async () => {
        for await (const c of r.body) got += (c as Buffer).length;
      })(),
      (e: unknown) => (e as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE',
    );
    assert.ok(got > 0, 'read until the abort');
  } finally {
    silent.close();
    endless.close();
  }
});

test('a reader that does not keep up stops the socket: the read-ahead stays bounded and every byte still arrives', async () => {
  const piece = Buffer.alloc(64 * 1024, 'x');
  const total = 256;
  const engine = await fakeEngine((s) => {
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${piece.length * total}\r\n\r\n`);
    let i = 0;
    const more = (): void => {
      while (i < total) {
        i++;
        if (!s.write(piece)) return void s.once('drain', more);
      }
      s.end();
    };
    more();
  });
  try {
    const r = await get(engine.socketPath, { readAheadBytes: 256 * 1024 });
    let bytes = 0;
    let mostBuffered = 0;
    for await (const c of r.body) {
      bytes += (c as Buffer).length;
      mostBuffered = Math.max(mostBuffered, r.body.readableLength);
      await sleep(1);
    }
    assert.equal(bytes, piece.length * total);
    // High-water mark in chunks, plus what one socket read can add past it.
    assert.ok(mostBuffered <= Math.ceil((256 * 1024) / (32 * 1024)) + 64, `at most a bounded number of chunks waited (${mostBuffered})`);
  } finally {
    engine.close();
  }
});
