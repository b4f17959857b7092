import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './sensitive-mounts.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';
import type { MountSpec } from '../../../models/container-spec.ts';

const bind = (source: string, readOnly = false, target = '/mnt'): MountSpec => ({ type: 'bind', source, target, readOnly, at: { path: 'Mounts[0]' } });

test('writable binds of sensitive paths are high, read-only ones medium', () => {
  const out = issues(rule, containerFacts({ mounts: [bind('/'), bind('/etc', true)] }));
  assert.deepEqual(out.map((i) => i.severity), ['high', 'medium']);
  assert.match(out[0]?.message ?? '', /host \/ is mounted writable/);
  assert.deepEqual(out[0]?.at, { path: 'Mounts[0]' });
});

test('sub-directories and parents of sensitive paths count; trailing slashes do not hide them', () => {
  const out = issues(rule, containerFacts({ mounts: [bind('/etc/ssh/'), bind('/var'), bind('/var/lib/docker/volumes/x/_data')] }));
  assert.equal(out.length, 3);
  assert.match(out[1]?.message ?? '', /\/var\/lib\/docker/);
});

test('passes ordinary binds, volumes, time-zone files shared read-only, and leaves engine sockets to container-docker-socket', () => {
  const out = issues(rule, containerFacts({
    mounts: [bind('/srv/app'), bind('/etc/localtime', true), bind('/usr/share/zoneinfo', true), { type: 'volume', source: 'etc', target: '/etc', readOnly: false }, bind('/var/run/docker.sock'), bind('/tmp/x')],
  }));
  assert.deepEqual(out, []);
});

test('a writable /etc/localtime is still reported', () => {
  assert.equal(issues(rule, containerFacts({ mounts: [bind('/etc/localtime')] })).length, 1);
});
