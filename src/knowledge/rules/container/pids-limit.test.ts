import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './pids-limit.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags { resources: { pidsLimit: -1 } }', () => {
  const out = rule.check(containerFacts({ resources: { pidsLimit: -1 } }));
  assert.ok(Array.isArray(out));
  assert.equal(out.length, 1);
});

test('passes { resources: { pidsLimit: 10 } }', () => {
  assert.deepEqual(rule.check(containerFacts({ resources: { pidsLimit: 10 } })), []);
});
