import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './rootfs-writable.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags { readOnlyRootfs: false }', () => {
  const out = rule.check(containerFacts({ readOnlyRootfs: false }));
  assert.ok(Array.isArray(out));
  assert.equal(out.length, 1);
});

test('passes { readOnlyRootfs: true }', () => {
  assert.deepEqual(rule.check(containerFacts({ readOnlyRootfs: true })), []);
});
