import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './swarm-autolock-rotation.ts';
import { issues, reason, swarmFacts } from './test-support/cases.ts';

test('with auto-lock on, one info finding asks to confirm the unlock key is rotated', () => {
  const out = issues(rule, swarmFacts({ autoLock: true }));
  assert.equal(out.length, 1);
  assert.equal(rule.meta.severity, 'info');
  assert.match(out[0]!.message, /docker swarm unlock-key --rotate/);
});

test('with auto-lock off there is no key to rotate: not applicable, pointing at the auto-lock rule', () => {
  assert.match(reason(rule, swarmFacts({ autoLock: false })), /daemon-swarm-autolock/);
});
