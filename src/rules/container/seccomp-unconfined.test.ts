import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './seccomp-unconfined.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags seccomp=unconfined in either spelling', () => {
  const out = rule.check(containerFacts({ security: { seccomp: 'Unconfined' } }));
  assert.ok(Array.isArray(out) && out.length === 1);
});

test('passes the default profile and a custom one', () => {
  assert.deepEqual(rule.check(containerFacts()), []);
  assert.deepEqual(rule.check(containerFacts({ security: { seccomp: '/etc/docker/seccomp/app.json' } })), []);
});
