import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, didYouMean, editDistance } from './suggest.ts';

test('edit distance counts an adjacent swap as one slip', () => {
  assert.equal(editDistance('fial-on', 'fail-on'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('same', 'same'), 0);
});

test('suggests the near miss, a rule id typed without its prefix, and nothing for unrelated words', () => {
  const ids = ['container-privileged', 'container-host-pid', 'daemon-icc'];
  assert.equal(closest('container-privilegd', ids), 'container-privileged');
  assert.equal(closest('privileged', ids), 'container-privileged');
  assert.equal(closest('x', ['on', 'off']), undefined);
  assert.equal(closest('completely-different', ids), undefined);
  assert.equal(closest('a'.repeat(500), ids), undefined);
  assert.equal(didYouMean('ignores', ['ignore', 'rules']), ' (did you mean "ignore"?)');
  assert.equal(didYouMean('zzz', ['ignore', 'rules']), '');
});
