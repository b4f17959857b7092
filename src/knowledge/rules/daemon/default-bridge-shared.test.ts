import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNotApplicable } from '../../../models/rule.ts';
import rule from './default-bridge-shared.ts';
import { systemFacts } from '../test-support/fixtures.ts';
import { member, picture } from '../test-support/network.ts';

const onBridge = { namespaces: { network: 'bridge' }, networks: ['bridge'] };

test('two containers on the default bridge with ICC on: one finding naming both', () => {
  const p = picture([member('b', onBridge), member('a', onBridge)], [{ name: 'bridge' }]);
  const out = rule.check(systemFacts({ network: p }));
  assert.ok(!isNotApplicable(out));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /joins 2 containers with ICC on: a, b/);
  assert.ok(out[0]?.at?.path);
});

test('one container, ICC off, or no picture: nothing to report', () => {
  assert.deepEqual(rule.check(systemFacts({ network: picture([member('a', onBridge)], [{ name: 'bridge' }]) })), []);
  assert.deepEqual(rule.check(systemFacts({ network: picture([member('a', onBridge), member('b', onBridge)], [{ name: 'bridge', icc: false }]) })), []);
  assert.ok(isNotApplicable(rule.check(systemFacts())));
});
