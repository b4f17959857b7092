import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './audit-data-root.ts';
import { auditCases, factsWith, issuesOf } from './test-support/rule-cases.ts';
import { daemonSpec, fileFact, option } from '../test-support/fixtures.ts';

auditCases(rule, '/var/lib/docker', { type: 'directory' });

test('watches the configured data-root, not the default', () => {
  const daemon = daemonSpec({ optionList: [option('data-root', '/srv/docker')], info: { dockerRootDir: '/srv/docker' } });
  const facts = factsWith([fileFact('/srv/docker', { type: 'directory' })], { daemon, host: { audit: { sources: [], watchedPaths: new Set(['/var/lib/docker']), available: true } } });
  const out = issuesOf(rule.check(facts));
  assert.match(out[0]!.message, /-w \/srv\/docker -k docker/);
});

test('with userns-remap, the data root is the directory above the remapped one', () => {
  const daemon = daemonSpec({ optionList: [option('userns-remap', 'default')], info: { dockerRootDir: '/var/lib/docker/165536.165536' } });
  const facts = factsWith([fileFact('/var/lib/docker', { type: 'directory' })], { daemon, host: { audit: { sources: [], watchedPaths: new Set(['/var/lib/docker']), available: true } } });
  assert.deepEqual(rule.check(facts), []);
});
