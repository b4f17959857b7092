import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './base-device-size.ts';
import { option } from '../test-support/fixtures.ts';
import { assertNeedsLocal, factsWith, issues, optionsWith } from './test-support/cases.ts';

test('dm.basesize in storage-opts fails at the option', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('storage-opts', ['dm.thinpooldev=/dev/mapper/thin', 'dm.basesize=50G'])) }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /dm\.basesize=50G/);
  assert.equal(out[0]?.at?.path, 'storage-opts');
});

test('other storage options, or none, pass', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith(option('storage-opts', ['overlay2.size=10G'], 'argv')) })), []);
});

test('needs the daemon configuration', () => assertNeedsLocal(rule));
