import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './containerd-sock-mode.ts';
import { modeCases, factsWith, issuesOf } from './test-support/rule-cases.ts';
import { fileFact } from '../test-support/fixtures.ts';

modeCases(rule, '/run/containerd/containerd.sock', 0o660, { type: 'socket' });

test('a containerd socket others can connect to is critical', () => {
  assert.equal(issuesOf(rule.check(factsWith([fileFact('/run/containerd/containerd.sock', { type: 'socket', mode: 0o662 })])))[0]!.severity, 'critical');
});
