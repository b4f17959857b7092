import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './aufs.ts';
import { option } from '../test-support/fixtures.ts';
import { factsWith, issues, optionsWith } from './test-support/cases.ts';

test('aufs in use fails, at the storage-driver option when one set it', () => {
  const out = issues(rule, factsWith({ info: { storageDriver: 'aufs' }, optionList: optionsWith(option('storage-driver', 'aufs', 'argv')) }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'dockerd --storage-driver' });
  assert.equal(out[0]?.evidence, 'Driver: aufs');
});

test('aufs chosen by the engine itself points at /info.Driver', () => {
  const out = issues(rule, factsWith({ info: { storageDriver: 'aufs' } }));
  assert.deepEqual(out[0]?.at, { path: '/info.Driver' });
});

test('overlay2 passes', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
});
