import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './live-restore.ts';
import { option, systemFacts } from '../test-support/fixtures.ts';
import { factsWith, issues, optionsWith, reason, remoteDaemon } from './test-support/cases.ts';

test('off fails, judged from /info even for a remote daemon', () => {
  const out = issues(rule, systemFacts({ daemon: remoteDaemon({ info: { liveRestoreEnabled: false } }), host: undefined }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: '/info.LiveRestoreEnabled' });
});

test('configured but not in effect asks for a reload, at the option', () => {
  const out = issues(rule, factsWith({ info: { liveRestoreEnabled: false }, optionList: optionsWith(option('live-restore', true)) }));
  assert.match(out[0]?.message ?? '', /reload or restart/);
  assert.equal(out[0]?.at?.path, 'live-restore');
});

test('does not apply to a swarm node', () => {
  assert.match(reason(rule, factsWith({ info: { liveRestoreEnabled: false, swarmState: 'active' } })), /incompatible with swarm mode/);
});

test('enabled passes', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
});
