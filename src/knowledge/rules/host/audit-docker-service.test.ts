import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './audit-docker-service.ts';
import { auditCases, factsWith, issuesOf } from './test-support/rule-cases.ts';
import { fileFact } from '../test-support/fixtures.ts';

auditCases(rule, '/lib/systemd/system/docker.service');

test('an override in /etc/systemd/system is the unit in use', () => {
  const facts = factsWith([fileFact('/etc/systemd/system/docker.service'), fileFact('/lib/systemd/system/docker.service')], {
    host: { audit: { sources: [], watchedPaths: new Set(['/lib/systemd/system/docker.service']), available: true } },
  });
  assert.match(issuesOf(rule.check(facts))[0]!.message, /\/etc\/systemd\/system\/docker.service/);
});
