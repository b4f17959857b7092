/** The Engine API client against the real engine (and a proxy in front of it that can cut connections). */
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startSeveringProxy } from '../../../test/support/severing-proxy.ts';
import { EngineClient, compareApiVersions } from './client.ts';
import { EngineError } from './errors.ts';

test('negotiates an API version the engine speaks and reads JSON; 404 is undefined only when allowed', async () => {
  const client = await EngineClient.connect();
  try {
    assert.match(client.apiVersion, /^1\.\d+$/);
    const version = (await client.getJson('/version')) as { ApiVersion: string };
    assert.ok(compareApiVersions(client.apiVersion, version.ApiVersion) <= 0);
    assert.equal(await client.getJson('/containers/moat-no-such-container/json', { allowMissing: true }), undefined);
    await assert.rejects(client.getJson('/containers/moat-no-such-container/json'), (e: unknown) => e instanceof EngineError && e.kind === 'http' && /HTTP 404/.test(e.message));
  } finally {
    client.close();
  }
});

test('stream: a bounded /events answer arrives whole and ends', async () => {
  const client = await EngineClient.connect();
  try {
    const now = Math.floor(Date.now() / 1000);
    const res = await client.stream('GET', `/events?since=${now - 1}&until=${now}`);
    assert.equal(res.status, 200);
    let text = '';
    for await (const chunk of res.body) text += String(chunk);
    for (const line of text.split('\n').filter(Boolean)) assert.equal(typeof (JSON.parse(line) as { time?: unknown }).time, 'number');
    assert.equal(res.body.readableEnded, true);
  } finally {
    client.close();
  }
});

test('stream: a connection cut mid-answer errors with "gone" rather than ending quietly', async () => {
  const proxy = await startSeveringProxy({ severWhen: (line) => line.startsWith('GET /v1') && line.includes('/_sever') });
  const client = await EngineClient.connect({ endpoint: { kind: 'unix', socketPath: proxy.socketPath, display: `unix://${proxy.socketPath}` } });
  try {
    const res = await client.stream('GET', '/events');
    assert.equal(res.status, 200);
    const failed = once(res.body, 'error');
    // Any request matching severWhen makes the proxy cut every connection, the stream's included.
    await client.getJson('/_sever').catch(() => undefined);
    const [err] = (await failed) as [unknown];
    assert.ok(err instanceof EngineError, String(err));
    assert.equal(err.kind, 'gone');
  } finally {
    client.close();
    await proxy.close();
  }
});

test('stream: an idle timeout ends a silent stream with a timeout error; an abort signal stops it', async () => {
  const client = await EngineClient.connect();
  try {
    const idle = await client.stream('GET', '/events', { idleTimeoutMs: 150 });
    const [err] = (await once(idle.body, 'error')) as [unknown];
    assert.ok(err instanceof EngineError && err.kind === 'timeout', String(err));

    const ac = new AbortController();
    const res = await client.stream('GET', '/events', { signal: ac.signal });
    let errored: unknown;
    res.body.on('error', (e) => (errored = e));
    const closed = once(res.body, 'close');
    ac.abort();
    await closed;
    assert.equal(errored, undefined, 'an abort the caller asked for is not an error');
    assert.equal(res.body.readableEnded, false);
  } finally {
    client.close();
  }
});

test('a unix-socket engine is read without loading node:https or node:tls (6-11 ms of every short command)', () => {
  const script = `
    const { EngineClient } = await import(${JSON.stringify(new URL('./client.ts', import.meta.url).href)});
    const c = await EngineClient.connect();
    await c.getJson('/version');
    c.close();
    process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (https|tls|_tls_)/.test(m))));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: '' }, timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
});
