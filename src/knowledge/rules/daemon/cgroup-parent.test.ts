import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './cgroup-parent.ts';
import { option } from '../test-support/fixtures.ts';
import { assertNeedsLocal, factsWith, issues, optionsWith } from './test-support/cases.ts';

test('a changed cgroup parent asks for confirmation at the option', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('cgroup-parent', '/custom', 'argv')) }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'dockerd --cgroup-parent' });
  assert.match(out[0]?.message ?? '', /"\/custom": confirm/);
});

test('the default (unset or empty) passes', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith(option('cgroup-parent', '')) })), []);
});

test('needs the daemon configuration', () => assertNeedsLocal(rule));
