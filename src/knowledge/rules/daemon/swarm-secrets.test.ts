import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './swarm-secrets.ts';
import { issues, reason, swarmFacts } from './test-support/cases.ts';
import { NOT_A_MANAGER } from './support/swarm.ts';

test('a swarm with no secrets gets one info finding asking where its credentials live', () => {
  const out = issues(rule, swarmFacts({ secrets: 0 }));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /no Docker secrets/);
});

test('a swarm that stores secrets passes; a worker cannot tell', () => {
  assert.deepEqual(issues(rule, swarmFacts({ secrets: 2 })), []);
  assert.equal(reason(rule, swarmFacts({ manager: false })), NOT_A_MANAGER);
});
