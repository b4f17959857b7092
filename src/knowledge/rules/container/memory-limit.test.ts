import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './memory-limit.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags { resources: { memory: 0 } }', () => {
  const out = rule.check(containerFacts({ resources: { memory: 0 } }));
  assert.ok(Array.isArray(out));
  assert.equal(out.length, 1);
});

test('passes { resources: { memory: 1 } }', () => {
  assert.deepEqual(rule.check(containerFacts({ resources: { memory: 1 } })), []);
});
