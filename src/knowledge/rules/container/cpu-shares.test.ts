import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './cpu-shares.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('flags a container with neither shares nor a limit', () => {
  const out = issues(rule, containerFacts({ resources: { cpuShares: 0, nanoCpus: 0, cpuQuota: 0 } }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.evidence ?? '', /CpuShares: 0/);
});

test('passes shares, --cpus or a CPU quota', () => {
  assert.deepEqual(issues(rule, containerFacts()), []);
  assert.deepEqual(issues(rule, containerFacts({ resources: { cpuShares: undefined, nanoCpus: 1_500_000_000 } })), []);
  assert.deepEqual(issues(rule, containerFacts({ resources: { cpuShares: 0, cpuQuota: 50_000 } })), []);
});
