import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './iptables.ts';
import { option } from '../test-support/fixtures.ts';
import { assertNeedsLocal, factsWith, issues, optionsWith } from './test-support/cases.ts';

test('iptables=false fails at the option', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('iptables', false)) }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { file: '/etc/docker/daemon.json', line: 2, column: 3, path: 'iptables' });
});

test('unset (the default, true) and true pass', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith(option('iptables', true, 'argv')) })), []);
});

test('needs the daemon configuration', () => assertNeedsLocal(rule));
