import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './cgroup-parent.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('flags a cgroup parent', () => {
  const out = issues(rule, containerFacts({ cgroupParent: '/custom', where: { cgroupParent: { path: 'HostConfig.CgroupParent' } } }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'HostConfig.CgroupParent' });
});

test('passes the default', () => {
  assert.deepEqual(issues(rule, containerFacts()), []);
});
