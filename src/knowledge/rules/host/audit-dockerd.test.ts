import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './audit-dockerd.ts';
import { auditCases, factsWith, issuesOf, reasonOf } from './test-support/rule-cases.ts';
import { fileFact } from '../test-support/fixtures.ts';

auditCases(rule, '/usr/bin/dockerd');

test('finds dockerd where Debian installs it and asks for a watch on that path', () => {
  const facts = factsWith([{ path: '/usr/bin/dockerd', exists: false }, fileFact('/usr/sbin/dockerd')], { host: { audit: { sources: ['auditctl -l'], watchedPaths: new Set(['/usr/bin/dockerd']), available: true } } });
  const out = issuesOf(rule.check(facts));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /-w \/usr\/sbin\/dockerd -k docker/);
});

test('says dockerd is not installed when no candidate exists', () => {
  assert.match(reasonOf(rule.check(factsWith([{ path: '/usr/bin/dockerd', exists: false }]))), /dockerd is not installed in \/usr\/bin, \/usr\/sbin/);
});
