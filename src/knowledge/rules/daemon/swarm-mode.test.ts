import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './swarm-mode.ts';
import { factsWith, issues } from './test-support/cases.ts';

test('an active swarm fails, asking to confirm it is needed', () => {
  const out = issues(rule, factsWith({ info: { swarmState: 'active' } }));
  assert.equal(out.length, 1);
  assert.equal(rule.meta.severity, 'medium');
  assert.match(out[0]?.message ?? '', /confirm this node needs/);
  assert.deepEqual(out[0]?.at, { path: '/info.Swarm.LocalNodeState' });
});

test('a locked manager is still in the swarm', () => {
  assert.equal(issues(rule, factsWith({ info: { swarmState: 'locked' } })).length, 1);
});

test('inactive passes', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
});
