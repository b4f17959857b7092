import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './userns.ts';
import { option, systemFacts } from '../test-support/fixtures.ts';
import { factsWith, issues, optionsWith, remoteDaemon } from './test-support/cases.ts';

const noUserns = { securityOptions: [{ name: 'seccomp', details: { profile: 'builtin' } }] };

test('no remapping fails, judged from /info even for a remote daemon', () => {
  const out = issues(rule, systemFacts({ daemon: remoteDaemon({ info: noUserns }), host: undefined }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: '/info.SecurityOptions' });
  assert.match(out[0]?.message ?? '', /root in a container is root on the host/);
});

test('userns-remap configured but not in effect asks for a restart, at the option', () => {
  const out = issues(rule, factsWith({ info: noUserns }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.at?.path, 'userns-remap');
  assert.match(out[0]?.message ?? '', /restart dockerd/);
});

test('remapping in effect passes; so does a rootless daemon', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
  assert.deepEqual(issues(rule, factsWith({ info: { securityOptions: [{ name: 'rootless', details: {} }] }, optionList: optionsWith({ remove: 'userns-remap' }) })), []);
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith(option('userns-remap', 'dockremap')) })), []);
});
