import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decisionLine, fileSink } from './decision-log.ts';
import { Enforcer } from './enforcer.ts';
import { routeOf } from '../../doors/authz-request/route.ts';

const allowed = { allow: true, msg: '', endpoint: 'other' as const, findings: [], notes: [] };

test('a line names user, method, path, endpoint, decision and rule; query values that may be secret are masked', async () => {
  const uri = '/v1.41/build?t=app:1&buildargs=%7B%22TOKEN%22%3A%22s3cr3t-build-arg%22%7D&networkmode=host';
  const j = await new Enforcer().judge({ user: 'alice', method: 'POST', uri, headers: {} });
  const line = decisionLine({ user: 'alice', method: 'POST', uri }, j, 1.23456, new Date('2026-12-01T00:00:00Z'));
  assert.deepEqual(
    { time: line.time, user: line.user, method: line.method, path: line.path, endpoint: line.endpoint, decision: line.decision, rule: line.rule, ms: line.ms },
    { time: '2026-12-01T00:00:00.000Z', user: 'alice', method: 'POST', path: '/v1.41/build', endpoint: 'build', decision: 'deny', rule: 'container-host-network', ms: 1.235 },
  );
  assert.equal(line.query?.t, 'app:1');
  assert.equal(line.query?.networkmode, 'host');
  assert.doesNotMatch(JSON.stringify(line), /s3cr3t/);
  assert.match(line.query?.buildargs ?? '', /^\*\*\*\*\(\d+ chars\)$/);
  const plain = decisionLine({ user: '', method: 'GET', uri: '/_ping' }, { ...allowed, route: routeOf('GET', '/_ping') }, 0.1);
  assert.deepEqual(Object.keys(plain).sort(), ['decision', 'endpoint', 'method', 'ms', 'path', 'rule', 'time', 'user']);
  assert.equal(plain.rule, null);
});

test('the log shows the query as the daemon reads it: malformed pairs dropped, the first of a repeated key', async () => {
  for (const uri of ['/v1.41/build?networkmode=none;&networkmode=host', '/v1.41/build?networkmode=none%&networkmode=host', '/v1.41/build?networkmode=host&networkmode=none']) {
    const j = await new Enforcer().judge({ user: '', method: 'POST', uri, headers: {} });
    const line = decisionLine({ user: '', method: 'POST', uri }, j, 1);
    assert.deepEqual([line.decision, line.rule, line.query], ['deny', 'container-host-network', { networkmode: 'host' }], uri);
  }
});

test('the file sink appends JSON lines and rotates by size, keeping the newest generations', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-log-'));
  try {
    const file = join(dir, 'd.jsonl');
    const sink = fileSink(file, { maxBytes: 1000, keep: 2 });
    for (let i = 0; i < 40; i++) sink.write(decisionLine({ user: `u${i}`, method: 'GET', uri: `/v1.41/containers/${i}/json` }, allowed, 0));
    await sink.close();
    const current = readFileSync(file, 'utf8').trim().split('\n');
    const older = readFileSync(`${file}.1`, 'utf8').trim().split('\n');
    assert.ok(existsSync(`${file}.2`));
    assert.ok(!existsSync(`${file}.3`), 'only two rotated files are kept');
    assert.ok(readFileSync(file).length <= 1000);
    assert.equal((JSON.parse(current.at(-1) as string) as { user: string }).user, 'u39');
    const firstCurrent = (JSON.parse(current[0] as string) as { user: string }).user;
    const lastOlder = (JSON.parse(older.at(-1) as string) as { user: string }).user;
    assert.equal(Number(firstCurrent.slice(1)), Number(lastOlder.slice(1)) + 1, 'no line lost at a rotation');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
