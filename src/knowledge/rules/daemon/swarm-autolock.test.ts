import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './swarm-autolock.ts';
import { factsWith, issues, reason, swarmFacts } from './test-support/cases.ts';
import { NOT_IN_SWARM } from './support/swarm.ts';

test('auto-lock off fails, giving the command that turns it on', () => {
  const out = issues(rule, swarmFacts({ autoLock: false }));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /docker swarm update --autolock=true/);
});

test('auto-lock on passes', () => {
  assert.deepEqual(issues(rule, swarmFacts({ autoLock: true })), []);
});

test('a locked manager cannot be read: not applicable, saying to unlock', () => {
  assert.match(reason(rule, swarmFacts({ state: 'locked' })), /docker swarm unlock/);
  assert.equal(reason(rule, factsWith()), NOT_IN_SWARM);
});
