import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './audit-daemon-json.ts';
import { auditCases, factsWith, issuesOf } from './test-support/rule-cases.ts';
import { daemonSpec, fileFact, option } from '../test-support/fixtures.ts';

auditCases(rule, '/etc/docker/daemon.json');

test('a watch on /etc/docker covers daemon.json', () => {
  const facts = factsWith([fileFact('/etc/docker/daemon.json')], { host: { audit: { sources: [], watchedPaths: new Set(['/etc/docker']), available: true } } });
  assert.deepEqual(rule.check(facts), []);
});

test('judges the file --config-file names', () => {
  const daemon = daemonSpec({ optionList: [option('config-file', '/srv/docker.json', 'argv')] });
  const facts = factsWith([fileFact('/srv/docker.json')], { daemon, host: { audit: { sources: [], watchedPaths: new Set(['/etc/docker/daemon.json']), available: true } } });
  assert.match(issuesOf(rule.check(facts))[0]!.message, /-w \/srv\/docker.json -k docker/);
});
