import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawRequest } from '../../../test/support/raw-http.ts';
import type { DecisionLine } from './decision-log.ts';
import { Enforcer, type Judgement } from './enforcer.ts';
import type { AuthzRequest } from '../../doors/authz-request/protocol.ts';
import { startPluginServer, type PluginServerOptions } from './server.ts';

async function withServer(opts: Partial<PluginServerOptions>, fn: (socket: string, lines: DecisionLine[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-plugin-'));
  const socketPath = join(dir, 'p.sock');
  const lines: DecisionLine[] = [];
  const server = await startPluginServer({ socketPath, enforcer: new Enforcer(), log: { write: (l) => void lines.push(l), close: async () => undefined }, ...opts });
  try {
    await fn(socketPath, lines);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const envelope = (o: Record<string, unknown>) => JSON.stringify({ RequestMethod: 'POST', RequestUri: '/v1.41/containers/create', RequestHeaders: { 'Content-Type': 'application/json' }, ...o });
const b64 = (s: string) => Buffer.from(s).toString('base64');
const authz = (socket: string, body: string) => rawRequest(socket, 'POST', '/AuthZPlugin.AuthZReq', { headers: { 'Content-Type': 'application/json' }, body });

test('activation says authz; responses are allowed unread; other paths are 404 with a JSON error', async () => {
  await withServer({}, async (socket) => {
    const a = await rawRequest(socket, 'POST', '/Plugin.Activate', { body: '' });
    assert.deepEqual([a.status, JSON.parse(a.body)], [200, { Implements: ['authz'] }]);
    const r = await rawRequest(socket, 'POST', '/AuthZPlugin.AuthZRes', { body: '{"not":"even read"' });
    assert.deepEqual(JSON.parse(r.body), { Allow: true });
    const x = await rawRequest(socket, 'GET', '/AuthZPlugin.AuthZReq');
    assert.equal(x.status, 404);
    assert.match((JSON.parse(x.body) as { Err: string }).Err, /no such plugin endpoint GET/);
    assert.equal(statSync(socket).mode & 0o777, 0o600, 'only root may talk to the plugin');
  });
});

test('a create is judged, the decision answered and logged', async () => {
  await withServer({}, async (socket, lines) => {
    const deny = await authz(socket, envelope({ RequestBody: b64('{"Image":"x","HostConfig":{"Privileged":true}}'), User: 'alice' }));
    const body = JSON.parse(deny.body) as { Allow: boolean; Msg: string };
    assert.equal(body.Allow, false);
    assert.match(body.Msg, /^moat: denied: container-privileged \(critical\)/);
    const allow = await authz(socket, envelope({ RequestMethod: 'GET', RequestUri: '/v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22secret%3Dx%22%5D%7D' }));
    assert.deepEqual(JSON.parse(allow.body), { Allow: true });
    assert.equal(lines.length, 2);
    assert.deepEqual([lines[0]?.user, lines[0]?.decision, lines[0]?.rule, lines[0]?.endpoint], ['alice', 'deny', 'container-privileged', 'container-create']);
    assert.equal(lines[1]?.query?.all, '1');
    assert.doesNotMatch(JSON.stringify(lines[1]), /secret/, 'filter values are masked');
  });
});

test('a judge that never answers is denied at the deadline, and the connection closed', async () => {
  const never = { judge: (_r: AuthzRequest) => new Promise<Judgement>(() => undefined) };
  await withServer({ enforcer: never, timeoutMs: 150 }, async (socket, lines) => {
    const t0 = performance.now();
    const r = await authz(socket, envelope({ RequestBody: b64('{}') }));
    const ms = performance.now() - t0;
    assert.ok(ms >= 140 && ms < 1000, `answered after ${ms} ms`);
    const body = JSON.parse(r.body) as { Allow: boolean; Msg: string };
    assert.equal(body.Allow, false);
    assert.match(body.Msg, /enforce-timeout: no decision within 150 ms/);
    assert.equal(lines[0]?.rule, 'enforce-timeout');
  });
});

test('a judge that throws denies (fail closed)', async () => {
  const broken = { judge: async () => Promise.reject(new Error('boom')) };
  await withServer({ enforcer: broken }, async (socket) => {
    const body = JSON.parse((await authz(socket, envelope({}))).body) as { Allow: boolean; Msg: string };
    assert.equal(body.Allow, false);
    assert.match(body.Msg, /enforce-unreadable: Moat could not judge this request \(boom\)/);
  });
});

test('past the in-flight bound requests are denied at once rather than queued', async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const slow = { judge: async () => (await gate, { allow: true, msg: '', endpoint: 'other' as const, findings: [], notes: [] }) };
  await withServer({ enforcer: slow, maxInFlight: 2, timeoutMs: 5000 }, async (socket) => {
    const held = [authz(socket, envelope({})), authz(socket, envelope({}))];
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    const third = JSON.parse((await authz(socket, envelope({}))).body) as { Allow: boolean; Msg: string };
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(third.Allow, false);
    assert.match(third.Msg, /enforce-overload: 2 requests are already being judged/);
    release();
    for (const h of await Promise.all(held)) assert.deepEqual(JSON.parse(h.body), { Allow: true });
  });
});

test('an oversized envelope, a cut-off one and one that never finishes are all answered', async () => {
  await withServer({ maxRequestBytes: 1024, timeoutMs: 200 }, async (socket) => {
    const big = await authz(socket, envelope({ RequestBody: b64('x'.repeat(4096)) }));
    assert.match((JSON.parse(big.body) as { Msg: string }).Msg, /larger than 1024 bytes/);
    // Headers promise a body that never comes: the deadline answers.
    const answer = await new Promise<string>((resolve) => {
      const s = connect(socket, () => s.write('POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"Req'));
      let got = '';
      s.on('data', (c) => (got += c.toString()));
      s.on('close', () => resolve(got));
    });
    assert.match(answer, /^HTTP\/1\.1 200/);
    assert.match(answer, /enforce-timeout/);
    // Not HTTP at all: a 400 and the server still serves.
    const garbage = await new Promise<string>((resolve) => {
      const s = connect(socket, () => s.write('\u0000\u0001 not http\r\n\r\n'));
      let got = '';
      s.on('data', (c) => (got += c.toString()));
      s.on('close', () => resolve(got));
    });
    assert.match(garbage, /^HTTP\/1\.1 400/);
    assert.deepEqual(JSON.parse((await rawRequest(socket, 'POST', '/Plugin.Activate')).body), { Implements: ['authz'] });
  });
});

test('envelopes that break the protocol are denied with what was wrong', async () => {
  await withServer({}, async (socket) => {
    const cases: Array<[string, RegExp]> = [
      ['not json', /not JSON/],
      ['[]', /must be a JSON object/],
      ['{"RequestUri":"/x"}', /RequestMethod is missing/],
      [JSON.stringify({ RequestMethod: 'POST', RequestUri: '/containers/create', RequestBody: '***' }), /RequestBody is not valid base64/],
      [JSON.stringify({ RequestMethod: 'POST', RequestUri: '/containers/create', RequestHeaders: { a: 1 } }), /header value must be text/],
      [envelope({ RequestUri: '/v1.41/containers%ZZ/create' }), /invalid percent-encoding/],
    ];
    for (const [body, re] of cases) {
      const r = JSON.parse((await authz(socket, body)).body) as { Allow: boolean; Msg: string };
      assert.equal(r.Allow, false, body);
      assert.match(r.Msg, re, body);
    }
  });
});

test('a socket another process serves, or a path that is not a socket, is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-plugin-'));
  try {
    const socketPath = join(dir, 'p.sock');
    const first = await startPluginServer({ socketPath, enforcer: new Enforcer() });
    await assert.rejects(startPluginServer({ socketPath, enforcer: new Enforcer() }), /another process is serving/);
    await first.close();
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    await assert.rejects(startPluginServer({ socketPath: file, enforcer: new Enforcer() }), /exists and is not a socket/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a start check's read comes back through the plugin while the start holds the only slot: answered, not refused", async () => {
  // What dockerd does during a start check: the plugin's GET reaches the daemon, which asks the plugin about it.
  let socketPath = '';
  const real = new Enforcer();
  const asksBack = {
    light: (r: Pick<AuthzRequest, 'method' | 'uri'>) => real.light(r),
    judge: async (r: AuthzRequest): Promise<Judgement> => {
      if (r.method !== 'POST') return real.judge(r);
      const read = await authz(socketPath, envelope({ RequestMethod: 'GET', RequestUri: '/v1.41/containers/web/json' }));
      const allowed = (JSON.parse(read.body) as { Allow: boolean }).Allow;
      return { allow: allowed, msg: allowed ? '' : `the read was refused: ${read.body}`, endpoint: 'container-start', findings: [], notes: [] };
    },
  };
  await withServer({ enforcer: asksBack, maxInFlight: 1 }, async (socket, lines) => {
    socketPath = socket;
    const start = await authz(socket, envelope({ RequestUri: '/v1.41/containers/web/start' }));
    assert.deepEqual(JSON.parse(start.body), { Allow: true });
    assert.deepEqual(lines.map((l) => `${l.method} ${l.decision}`), ['GET allow', 'POST allow']);
  });
  // Without the light path the same read is refused for want of a slot: the test can fail.
  await withServer({ enforcer: { judge: asksBack.judge }, maxInFlight: 1 }, async (socket) => {
    socketPath = socket;
    const start = await authz(socket, envelope({ RequestUri: '/v1.41/containers/web/start' }));
    assert.match((JSON.parse(start.body) as { Msg: string }).Msg, /enforce-overload/);
  });
});

test('each request is denied at its own deadline: one that hangs neither holds back nor hurries those behind it', { timeout: 10_000 }, async () => {
  // Every request gets the same time, so the server keeps one queue of deadlines and one timer: this holds it to per-request deadlines.
  const hangs = {
    judgeNow: (r: AuthzRequest): Judgement | Promise<Judgement> => (r.uri.includes('hang') ? new Promise<Judgement>(() => undefined) : { allow: true, msg: '', endpoint: 'other', findings: [], notes: [] }),
    judge: async (r: AuthzRequest): Promise<Judgement> => hangs.judgeNow(r),
  };
  await withServer({ enforcer: hangs, timeoutMs: 300 }, async (socket, lines) => {
    const timed = async (uri: string): Promise<{ ms: number; allow: boolean; msg: string }> => {
      const t0 = performance.now();
      const r = JSON.parse((await authz(socket, envelope({ RequestMethod: 'GET', RequestUri: uri }))).body) as { Allow: boolean; Msg?: string };
      return { ms: performance.now() - t0, allow: r.Allow, msg: r.Msg ?? '' };
    };
    const first = timed('/v1.41/hang/1');
    await new Promise((r) => setTimeout(r, 20));
    const quick = await Promise.all([1, 2, 3, 4, 5].map((i) => timed(`/v1.41/containers/${i}/json`)));
    for (const q of quick) assert.ok(q.allow && q.ms < 250, `a read behind a hanging request is answered at once (${q.ms} ms)`);
    await new Promise((r) => setTimeout(r, 150));
    const second = timed('/v1.41/hang/2');
    const [a, b] = await Promise.all([first, second]);
    for (const x of [a, b]) {
      assert.equal(x.allow, false);
      assert.match(x.msg, /enforce-timeout: no decision within 300 ms/);
      assert.ok(x.ms >= 290 && x.ms < 700, `denied at its own deadline (${x.ms} ms)`);
    }
    assert.equal(lines.filter((l) => l.rule === 'enforce-timeout').length, 2);
  });
});

test('a judge that throws at once, or answers at once, is answered in the same way as one that takes its time', async () => {
  const throwsNow = { judgeNow: (): Judgement => { throw new Error('sync boom'); }, judge: async (): Promise<Judgement> => Promise.reject(new Error('unused')) };
  await withServer({ enforcer: throwsNow }, async (socket) => {
    const body = JSON.parse((await authz(socket, envelope({}))).body) as { Allow: boolean; Msg: string };
    assert.equal(body.Allow, false);
    assert.match(body.Msg, /enforce-unreadable: Moat could not judge this request \(sync boom\)/);
  });
});
