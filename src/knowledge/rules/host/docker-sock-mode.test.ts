import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './docker-sock-mode.ts';
import { modeCases, factsWith, issuesOf } from './test-support/rule-cases.ts';
import { fileFact } from '../test-support/fixtures.ts';

modeCases(rule, '/var/run/docker.sock', 0o660, { type: 'socket' });

test('a socket every local user can connect to is critical', () => {
  const out = issuesOf(rule.check(factsWith([fileFact('/var/run/docker.sock', { type: 'socket', mode: 0o666, group: 'docker', gid: 998 })])));
  assert.equal(out[0]!.severity, 'critical');
  assert.equal(out[0]!.evidence, 'mode 0666 owner root:docker');
});

test('a socket others can only read keeps the rule severity', () => {
  const out = issuesOf(rule.check(factsWith([fileFact('/var/run/docker.sock', { type: 'socket', mode: 0o664 })])));
  assert.equal(out[0]!.severity, undefined);
});
