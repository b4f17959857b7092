import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './devicemapper.ts';
import { option } from '../test-support/fixtures.ts';
import { factsWith, issues, optionsWith } from './test-support/cases.ts';
import { cisIdIn } from '../../../models/cis-benchmark.ts';

test('devicemapper in use fails, at the storage-driver option when one set it', () => {
  const out = issues(rule, factsWith({ info: { storageDriver: 'devicemapper' }, optionList: optionsWith(option('storage-driver', 'devicemapper', 'daemon.json')) }));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /devicemapper/);
  assert.equal(out[0]?.evidence, 'Driver: devicemapper');
});

test('devicemapper chosen by the engine itself points at /info.Driver', () => {
  const out = issues(rule, factsWith({ info: { storageDriver: 'devicemapper' } }));
  assert.deepEqual(out[0]?.at, { path: '/info.Driver' });
});

test('overlay2 and other drivers pass', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
  assert.deepEqual(issues(rule, factsWith({ info: { storageDriver: 'btrfs' } })), []);
});

test('it is 2.7 in v1.8.0 only: earlier versions have no such recommendation', () => {
  assert.equal(cisIdIn(rule.meta.cis!, 'cis-1.8.0'), '2.7');
  assert.equal(cisIdIn(rule.meta.cis!, 'cis-1.7.0'), undefined);
  assert.equal(cisIdIn(rule.meta.cis!, 'cis-1.6.0'), undefined);
});
