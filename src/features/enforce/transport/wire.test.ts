import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWireServer, type WireExchange, type WireLimits } from './wire.ts';
import { parseReplies, type Reply } from './test-support/replies.ts';

const LIMITS: WireLimits = { headersTimeoutMs: 2000, requestTimeoutMs: 4000, keepAliveTimeoutMs: 120_000, maxHeaderSize: 64 * 1024 };

interface Seen {
  method: string;
  url: string;
  headers: readonly string[];
  body: string;
  aborted: boolean;
}

/** A server that answers each request with what it received; `delay(url)` holds an answer back. */
async function withWire(fn: (socket: string, seen: Seen[]) => Promise<void>, opts: { limits?: Partial<WireLimits>; delay?: (url: string) => number } = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-wire-'));
  const socket = join(dir, 'w.sock');
  const seen: Seen[] = [];
  const wire = createWireServer({ ...LIMITS, ...opts.limits }, (ex: WireExchange) => {
    const s: Seen = { method: ex.method, url: ex.url, headers: ex.headers, body: '', aborted: false };
    seen.push(s);
    const parts: Buffer[] = [];
    ex.onData = (c) => parts.push(c);
    ex.onAbort = () => (s.aborted = true);
    ex.onEnd = () => {
      s.body = Buffer.concat(parts).toString();
      const answer = (): void => ex.respond(200, 'application/json', JSON.stringify({ method: ex.method, url: ex.url, body: s.body }));
      const ms = opts.delay?.(ex.url) ?? 0;
      if (ms > 0) setTimeout(answer, ms);
      else answer();
    };
  });
  await new Promise<void>((resolve) => wire.server.listen(socket, resolve));
  try {
    await fn(socket, seen);
  } finally {
    await wire.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes each piece as its own packet (a pause between them), and reads until the server closes or `want` replies came. */
function exchange(socket: string, pieces: Array<string | Buffer>, opts: { want?: number; gapMs?: number; endAfter?: boolean; destroyAfter?: boolean } = {}): Promise<{ replies: Reply[]; closed: boolean; raw: string }> {
  return new Promise((resolve) => {
    const s = connect(socket);
    let raw = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      s.destroy();
      resolve({ replies: parseReplies(raw), closed, raw });
    };
    s.on('data', (c) => {
      raw += c.toString();
      if (opts.want !== undefined && parseReplies(raw).length >= opts.want) setTimeout(() => finish(false), 30);
    });
    s.on('close', () => finish(true));
    // A server that closes while the client still writes may reset the connection: that is a close, after what was read.
    s.on('error', () => finish(true));
    s.on('connect', async () => {
      for (const [i, p] of pieces.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, opts.gapMs ?? 15));
        if (done) return;
        s.write(p);
      }
      if (opts.endAfter) s.end();
      if (opts.destroyAfter) setTimeout(() => s.destroy(), 30);
    });
  });
}

const post = (path: string, body: string, extra = ''): string => `POST ${path} HTTP/1.1\r\nHost: plugin\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

test('headers split across packets, even inside a header name, make one request', async () => {
  await withWire(async (socket, seen) => {
    const whole = post('/AuthZPlugin.AuthZReq', '{"a":1}', 'Content-Type: application/json\r\n');
    const cuts = [3, 17, 30, 41, whole.length - 4];
    const pieces = cuts.map((c, i) => whole.slice(i ? cuts[i - 1] : 0, c)).concat(whole.slice(cuts.at(-1)));
    const { replies, closed } = await exchange(socket, pieces, { want: 1 });
    assert.equal(replies.length, 1);
    assert.deepEqual(JSON.parse(replies[0]?.body ?? ''), { method: 'POST', url: '/AuthZPlugin.AuthZReq', body: '{"a":1}' });
    assert.equal(closed, false, 'keep-alive: the connection stays open');
    assert.deepEqual(seen[0]?.headers, ['Host', 'plugin', 'Content-Type', 'application/json', 'Content-Length', '7']);
  });
});

test('a chunked body is given without its framing', async () => {
  await withWire(async (socket) => {
    const head = 'POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n';
    const { replies } = await exchange(socket, [head + '4\r\n{"Re', '\r\n', 'a\r\nquestMetho\r\n', '5\r\nd":1}\r\n0\r\n\r\n'], { want: 1 });
    assert.equal(JSON.parse(replies[0]?.body ?? '{}').body, '{"RequestMethod":1}');
  });
});

test('two requests in one packet are both answered, in order, even when the first is answered last', async () => {
  await withWire(
    async (socket) => {
      const { replies, closed } = await exchange(socket, [post('/slow', 'one') + post('/fast', 'two')], { want: 2 });
      assert.deepEqual(replies.map((r) => JSON.parse(r.body).url), ['/slow', '/fast']);
      assert.deepEqual(replies.map((r) => JSON.parse(r.body).body), ['one', 'two']);
      assert.equal(closed, false);
    },
    { delay: (url) => (url === '/slow' ? 80 : 0) },
  );
});

test('a bad request line is a 400 and a close, after the answers already owed; the server goes on serving', async () => {
  await withWire(async (socket) => {
    const { replies, closed } = await exchange(socket, [post('/first', 'x') + 'GARBAGE / HTTP/1.1\r\n\r\n' + post('/never', 'y')]);
    assert.deepEqual(replies.map((r) => r.status), [200, 400]);
    assert.equal(JSON.parse(replies[0]?.body ?? '').url, '/first');
    assert.equal(replies[1]?.headers.connection, 'close');
    assert.equal(closed, true);
    for (const bad of ['\u0000\u0001 not http\r\n\r\n', 'POST /x HTTP/9.9\r\n\r\n', 'POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 'POST /x HTTP/1.1\r\nBad Header: y\r\n\r\n']) {
      const r = await exchange(socket, [bad]);
      assert.deepEqual([r.replies.map((x) => x.status), r.closed], [[400], true], JSON.stringify(bad));
    }
    assert.equal((await exchange(socket, [post('/after', 'z')], { want: 1 })).replies[0]?.status, 200);
  });
});

test('headers past the size bound, and an upgrade, are refused with a 400', async () => {
  await withWire(
    async (socket) => {
      const r = await exchange(socket, [`POST /x HTTP/1.1\r\nX-Big: ${'a'.repeat(2048)}\r\n\r\n`]);
      assert.deepEqual([r.replies.map((x) => x.status), r.closed], [[400], true]);
      const u = await exchange(socket, ['GET /x HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n']);
      assert.deepEqual([u.replies.map((x) => x.status), u.closed], [[400], true]);
    },
    { limits: { maxHeaderSize: 1024 } },
  );
});

test('more than 32 headers (llhttp hands them over in batches) all arrive', async () => {
  await withWire(async (socket, seen) => {
    const many = Array.from({ length: 40 }, (_, i) => `X-H${i}: v${i}\r\n`).join('');
    await exchange(socket, [post('/many', 'b', many)], { want: 1 });
    const h = seen[0]?.headers ?? [];
    assert.equal(h.length, 2 * 42);
    assert.deepEqual(h.slice(78, 80), ['X-H38', 'v38']);
  });
});

test('a client gone mid-body is an abort, never an answer to a request that did not arrive; nothing is left waiting', async () => {
  await withWire(async (socket, seen) => {
    await exchange(socket, ['POST /cut HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"part'], { destroyAfter: true });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual([seen[0]?.url, seen[0]?.aborted, seen[0]?.body], ['/cut', true, '']);
    // Half-closed mid-body: the same.
    await exchange(socket, ['POST /half HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"part'], { endAfter: true });
    assert.deepEqual([seen[1]?.url, seen[1]?.aborted], ['/half', true]);
    // Half-closed after a whole request: it is still answered, then the connection ends.
    const r = await exchange(socket, [post('/whole', 'w')], { endAfter: true });
    assert.deepEqual([r.replies.map((x) => x.status), r.closed], [[200], true]);
  });
});

test('Connection: close and HTTP/1.0 end the connection after the answer', async () => {
  await withWire(async (socket) => {
    const r = await exchange(socket, [post('/bye', 'b', 'Connection: close\r\n') + post('/ignored', 'i')]);
    assert.deepEqual([r.replies.length, r.replies[0]?.headers.connection, r.closed], [1, 'close', true]);
    const old = await exchange(socket, ['POST /old HTTP/1.0\r\nContent-Length: 1\r\n\r\nz']);
    assert.deepEqual([old.replies.map((x) => x.status), old.closed], [[200], true]);
  });
});

test('slowloris: headers that never end are cut at headersTimeout, an idle keep-alive connection at keepAliveTimeout', async () => {
  await withWire(
    async (socket) => {
      const t0 = performance.now();
      const r = await exchange(socket, ['POST /slow HTTP/1.1\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n'], { gapMs: 40 });
      const ms = performance.now() - t0;
      assert.deepEqual([r.replies.map((x) => x.status), r.closed], [[400], true]);
      assert.ok(ms >= 190 && ms < 1500, `cut after ${ms} ms`);
      // A body that trickles in past requestTimeout is cut too.
      const b = await exchange(socket, ['POST /trickle HTTP/1.1\r\nContent-Length: 50\r\n\r\n', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'], { gapMs: 60 });
      assert.deepEqual([b.replies.map((x) => x.status), b.closed], [[400], true]);
      // A connection that sends nothing at all is cut at headersTimeout too.
      const t2 = performance.now();
      const silent = await exchange(socket, []);
      assert.deepEqual([silent.replies.map((x) => x.status), silent.closed], [[400], true]);
      assert.ok(performance.now() - t2 < 1500);
      const t1 = performance.now();
      const idle = await exchange(socket, [post('/then-idle', 'x')]);
      assert.deepEqual([idle.replies.map((x) => x.status), idle.closed], [[200], true]);
      assert.ok(performance.now() - t1 >= 280, 'kept open until the keep-alive timeout');
    },
    { limits: { headersTimeoutMs: 200, requestTimeoutMs: 400, keepAliveTimeoutMs: 300 } },
  );
});

test('Expect: 100-continue is answered before the body is sent', async () => {
  await withWire(async (socket) => {
    const r = await exchange(socket, ['POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n', 'ok'], { want: 2 });
    assert.match(r.raw, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
  });
});

test('a client that pipelines far ahead and reads late gets every answer, in order (reading pauses past 32 unanswered, then resumes)', { timeout: 20_000 }, async () => {
  await withWire(async (socket, seen) => {
    const n = 200;
    const answers = await new Promise<Reply[]>((resolve, reject) => {
      const s = connect(socket);
      let raw = '';
      s.on('connect', () => {
        s.pause();
        s.write(Array.from({ length: n }, (_, i) => post(`/p${i}`, 'x'.repeat(2000))).join(''));
        setTimeout(() => s.resume(), 200);
      });
      s.on('data', (c) => {
        raw += c.toString();
        const r = parseReplies(raw);
        if (r.length >= n) {
          s.destroy();
          resolve(r);
        }
      });
      s.on('error', reject);
    });
    assert.deepEqual(answers.map((r) => JSON.parse(r.body).url), Array.from({ length: n }, (_, i) => `/p${i}`));
    assert.equal(seen.length, n);
  });
});
