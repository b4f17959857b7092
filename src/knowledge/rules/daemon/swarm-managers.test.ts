import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './swarm-managers.ts';
import { factsWith, issues, reason, swarmFacts } from './test-support/cases.ts';
import { NOT_A_MANAGER, NOT_IN_SWARM } from './support/swarm.ts';

test('1, 3, 5 and 7 managers pass', () => {
  for (const managers of [1, 3, 5, 7]) assert.deepEqual(issues(rule, swarmFacts({ managers })), [], String(managers));
});

test('an even count fails, saying it tolerates no more failures than one fewer', () => {
  const out = issues(rule, swarmFacts({ managers: 4 }));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /4 managers, an even number: it tolerates no more failures than 3/);
  assert.deepEqual(out[0]!.at, { path: '/info.Swarm.Managers' });
});

test('more than seven fails', () => {
  assert.match(issues(rule, swarmFacts({ managers: 9 }))[0]!.message, /9 managers: more than 7/);
});

test('not in a swarm, or a worker: not applicable, saying which', () => {
  assert.equal(reason(rule, factsWith()), NOT_IN_SWARM);
  assert.equal(reason(rule, swarmFacts({ manager: false, managers: undefined })), NOT_A_MANAGER);
});
