import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rpm, rpmvercmp } from './index.ts';
import { assertAllEqual, assertAscending, assertRejected, disagreements, readPairs } from '../test-support/conformance.ts';

test("agrees with rpm's own rpmvercmp tests (conformance/versions/rpm.tsv), also as whole versions", () => {
  const pairs = readPairs('rpm.tsv');
  assert.equal(pairs.length, 91);
  assert.deepEqual(disagreements(pairs, rpmvercmp), []);
  // None has a hyphen or colon, so read as [epoch:]version[-release] they mean the same.
  assert.deepEqual(disagreements(pairs, rpm.compare), []);
});

test('agrees with labelCompare on the pairwise rpmvercmp cases (conformance/versions/rpm-rpmvercmp-pairs.tsv)', () => {
  const pairs = readPairs('rpm-rpmvercmp-pairs.tsv');
  assert.equal(pairs.length, 4356);
  assert.deepEqual(disagreements(pairs, rpmvercmp), []);
  const plain = pairs.filter((p) => !/[-:]/.test(p.a + p.b));
  assert.equal(plain.length, 4225);
  assert.deepEqual(disagreements(plain, rpm.compare), []);
});

test('reads a hyphen as the start of the release, as rpm parses an EVR string', () => {
  // The pairs file compares "1-2-3-4" as a bare version field, equal to 1.2.3.4; as an
  // EVR string rpm reads it as version 1-2-3, release 4, which sorts below 1.2.3.4.
  assert.equal(rpmvercmp('1-2-3-4', '1.2.3.4'), 0);
  assert.equal(rpm.compare('1-2-3-4', '1.2.3.4'), -1);
  // The version decides before the release: 1.0-2 < 1.0.1-1, although "1.0-2" > "1.0.1-1" as one string.
  assert.equal(rpm.compare('1.0-2', '1.0.1-1'), -1);
  assert.equal(rpmvercmp('1.0-2', '1.0.1-1'), 1);
});

test('orders epoch, then version, then release; a missing release sorts below any release', () => {
  assertAscending(rpm, [
    '1.0~rc1-1.el9',
    '1.0',
    '1.0-1.el9',
    '1.0-1.el9_2',
    '1.0-1.el9_2.1',
    '1.0-2.el9',
    '1.0^git1-1.el9',
    '1.0.1-0.1.el9',
    '1.0.1-1.el9',
    '1:0.1-1',
    '2:0.0.1-1',
  ]);
  assertAllEqual(rpm, ['1.0-1', '0:1.0-1', ':1.0-1', '1.00-01', '1_0-1']);
});

test('refuses strings rpm cannot split into a version', () => {
  for (const bad of ['', '1.0-', '-1', ':', '1:', '1.0 -1', '1.0\t']) assertRejected(rpm, bad, '1.0');
});
