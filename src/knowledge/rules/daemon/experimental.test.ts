import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './experimental.ts';
import { option, systemFacts } from '../test-support/fixtures.ts';
import { factsWith, issues, optionsWith, remoteDaemon } from './test-support/cases.ts';

test('experimental reported by the engine fails, also for a remote daemon', () => {
  const out = issues(rule, systemFacts({ daemon: remoteDaemon({ version: { experimental: true } }), host: undefined }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: '/version.Experimental' });
});

test('set in daemon.json: located at the option', () => {
  const out = issues(rule, factsWith({ info: { experimentalBuild: true }, optionList: optionsWith(option('experimental', true)) }));
  assert.equal(out[0]?.at?.path, 'experimental');
});

test('off passes', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith(option('experimental', false)) })), []);
});
