import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './docker-service-mode.ts';
import { modeCases, factsWith, issuesOf } from './test-support/rule-cases.ts';
import { fileFact } from '../test-support/fixtures.ts';

modeCases(rule, '/lib/systemd/system/docker.service', 0o644);

test('group or others writing the unit raises the severity to high', () => {
  const out = issuesOf(rule.check(factsWith([fileFact('/lib/systemd/system/docker.service', { mode: 0o664 })])));
  assert.equal(out[0]!.severity, 'high');
  assert.match(out[0]!.message, /group write/);
});

test('0640 is within 0644', () => {
  assert.deepEqual(rule.check(factsWith([fileFact('/lib/systemd/system/docker.service', { mode: 0o640 })])), []);
});
