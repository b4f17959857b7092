import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './no-new-privileges.ts';
import { option } from '../test-support/fixtures.ts';
import { assertNeedsLocal, factsWith, issues, optionsWith } from './test-support/cases.ts';

test('unset fails at daemon.json', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith({ remove: 'no-new-privileges' }) }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { file: '/etc/docker/daemon.json' });
});

test('false fails at the option', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('no-new-privileges', false)) }));
  assert.equal(out[0]?.at?.path, 'no-new-privileges');
});

test('true passes, from either source', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith(option('no-new-privileges', true, 'argv')) })), []);
});

test('needs the daemon configuration', () => assertNeedsLocal(rule));
