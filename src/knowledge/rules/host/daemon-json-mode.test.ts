import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './daemon-json-mode.ts';
import { modeCases, factsWith } from './test-support/rule-cases.ts';
import { daemonSpec, fileFact, option } from '../test-support/fixtures.ts';

modeCases(rule, '/etc/docker/daemon.json', 0o644);

test('judges the file --config-file names, not the default', () => {
  const daemon = daemonSpec({ optionList: [option('config-file', '/srv/docker.json', 'argv')] });
  const facts = factsWith([fileFact('/etc/docker/daemon.json', { mode: 0o666 }), fileFact('/srv/docker.json', { mode: 0o600 })], { daemon });
  assert.deepEqual(rule.check(facts), []);
});
