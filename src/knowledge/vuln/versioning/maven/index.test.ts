import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maven } from './index.ts';
import { assertAllEqual, assertAscending, assertRejected } from '../test-support/conformance.ts';

// The orderings and equalities below are those of maven-artifact's ComparableVersionTest
// (3.x: a letter right after a digit opens a sub-list, so `1a` is `1-a`, not `1.a`).

test('orders qualifiers as ComparableVersionTest.VERSIONS_QUALIFIER', () => {
  assertAscending(maven, [
    '1-alpha2snapshot', '1-alpha2', '1-alpha-123', '1-beta-2', '1-beta123', '1-m2', '1-m11', '1-rc', '1-cr2',
    '1-rc123', '1-SNAPSHOT', '1', '1-sp', '1-sp2', '1-sp123', '1-abc', '1-def', '1-pom-1', '1-1-snapshot',
    '1-1', '1-2', '1-123',
  ]);
});

test('orders numbers as ComparableVersionTest.VERSIONS_NUMBER', () => {
  assertAscending(maven, [
    '2.0', '2-1', '2.0.a', '2.0.0.a', '2.0.2', '2.0.123', '2.1.0', '2.1-a', '2.1b', '2.1-c', '2.1-1', '2.1.0.1',
    '2.2', '2.123', '11.a2', '11.a11', '11.b2', '11.b11', '11.m2', '11.m11', '11', '11.a', '11b', '11c', '11m',
  ]);
});

test('treats trailing zeros, separators, aliases and case as ComparableVersionTest.testVersionsEqual', () => {
  assertAllEqual(maven, ['1', '1.0', '1.0.0', '1-0', '1.0-0', '1ga', '1final', '1GA', '1Final', '1FINAL']);
  for (const group of [
    ['1a', '1-a', '1.0-a', '1.0.0-a', '1.0a', '1.0.0a'],
    ['1x', '1-x', '1.0-x', '1.0.0-x', '1X'],
    ['1cr', '1rc', '1Cr', '1Rc', '1cR', '1rC'],
    ['1a1', '1alpha1', '1A1'],
    ['1b2', '1beta2'],
    ['1m3', '1milestone3', '1Milestone3', '1MILESTONE3'],
    ['1-abcdefghijklmnopqrstuvwxyz', '1-ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
  ]) {
    assertAllEqual(maven, group);
  }
});

test('compares pairs as ComparableVersionTest.testVersionComparing', () => {
  const lower: [string, string][] = [
    ['1', '2'], ['1.5', '2'], ['1', '2.5'], ['1.0', '1.1'], ['1.1', '1.2'], ['1.0.0', '1.1'], ['1.0.1', '1.1'],
    ['1.1', '1.2.0'], ['1.0-alpha-1', '1.0'], ['1.0-alpha-1', '1.0-alpha-2'], ['1.0-alpha-1', '1.0-beta-1'],
    ['1.0-beta-1', '1.0-SNAPSHOT'], ['1.0-SNAPSHOT', '1.0'], ['1.0-alpha-1-SNAPSHOT', '1.0-alpha-1'], ['1.0', '1.0-1'],
    ['1.0-1', '1.0-2'], ['1.0.0', '1.0-1'], ['2.0-1', '2.0.1'], ['2.0.1-klm', '2.0.1-lmn'], ['2.0.1', '2.0.1-xyz'],
    ['2.0.1', '2.0.1-123'], ['2.0.1-xyz', '2.0.1-123'],
    // Numbers of any length compare by value (Long and BigInteger items).
    ['1.9999999999', '1.10000000000'], ['1.123456789012345678901', '1.123456789012345678902'],
  ];
  for (const [a, b] of lower) {
    assert.equal(maven.compare(a, b), -1, `${a} < ${b}`);
    assert.equal(maven.compare(b, a), 1, `${b} > ${a}`);
  }
});

test('refuses only the empty string, whitespace and control characters', () => {
  assert.equal(maven.isValid('2.13.4.2'), true);
  assert.equal(maven.isValid('1.0.0.Final'), true);
  for (const bad of ['', '1.0 beta', '1.0\n', '\u00001']) assertRejected(maven, bad, '1.0');
});
