import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './privileged.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags a privileged container at its source location', () => {
  const facts = containerFacts({ privileged: true, where: { privileged: { path: 'HostConfig.Privileged' } } });
  const out = rule.check(facts);
  assert.ok(Array.isArray(out));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'HostConfig.Privileged' });
});

test('passes an unprivileged container', () => {
  assert.deepEqual(rule.check(containerFacts()), []);
});
