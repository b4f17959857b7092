import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './authorization-plugin.ts';
import { systemFacts } from '../test-support/fixtures.ts';
import { factsWith, issues, optionsWith, remoteDaemon } from './test-support/cases.ts';

test('no plugin active fails, from /info, also for a remote daemon', () => {
  const out = issues(rule, systemFacts({ daemon: remoteDaemon({ info: { authorizationPlugins: [] } }), host: undefined }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: '/info.Plugins.Authorization' });
});

test('a configured plugin the running daemon does not consult asks for a restart', () => {
  const out = issues(rule, factsWith({ info: { authorizationPlugins: [] } }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.at?.path, 'authorization-plugins');
  assert.match(out[0]?.message ?? '', /moat but the running daemon consults none/);
});

test('an active plugin passes, wherever it was configured', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith({ remove: 'authorization-plugins' }) })), []);
});
