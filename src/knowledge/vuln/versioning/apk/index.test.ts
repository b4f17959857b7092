import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apk, compareApkTools } from './index.ts';
import { assertAscending, assertRejected, disagreements, readPairs } from '../test-support/conformance.ts';

test('agrees with apk-tools on every pair of its test data (conformance/versions/apk.tsv)', () => {
  const pairs = readPairs('apk.tsv');
  assert.equal(pairs.length, 717);
  assert.deepEqual(disagreements(pairs, compareApkTools), []);
});

test('orders every well-formed pair of the test data the same way, and refuses the malformed ones', () => {
  const pairs = readPairs('apk.tsv');
  const wellFormed = pairs.filter((p) => apk.isValid(p.a) && apk.isValid(p.b));
  const malformed = pairs.filter((p) => !(apk.isValid(p.a) && apk.isValid(p.b)));
  assert.deepEqual(disagreements(wellFormed, apk.compare), []);
  // apk's own data marks these two "invalid. do string sort".
  assert.deepEqual(
    malformed.map((p) => [p.a, p.b]),
    [
      ['23_foo', '4_beta'],
      ['1.0', '1.0bc'],
    ],
  );
  for (const p of malformed) assert.throws(() => apk.compare(p.a, p.b), TypeError);
});

test('accepts and rejects what `apk version --check` does (apk-tools test/unit/version.data)', () => {
  for (const ok of ['1.2', '0.1_pre2', '0.1_pre2~1234abcd', '0.1_p1_pre2', '0.1_alpha1_pre2', '0.1_git20240101_pre1', '1.0~1234-r1']) {
    assert.equal(apk.isValid(ok), true, ok);
  }
  const bad = [
    '', '0.1bc', '0.1bc1', '0.1a1', '0.1a.1', '0.1_pre2~', '0.1_pre2~1234xbcd', '0.1_pre2~1234abcd_pre1',
    '0.1_pre2-r1~1234xbcd', '0.1_foobar', '0.1_foobar1', '0.1-pre1.1', '0.1-r', '0.1-r2_pre1', '0.1-r2_p3_pre1',
    '0.1-r2-r3', '0.1-r2.1', '.1', 'a', '_pre1', '-r1', '0.1_', '0.1_-r0', '0.1__alpha', '0.1_1_alpha',
  ];
  for (const version of bad) assertRejected(apk, version, '1.0');
});

test('puts _alpha/_beta/_pre/_rc before the release and _cvs/_svn/_git/_hg/_p after it, then -rN', () => {
  assertAscending(apk, [
    '1.2_alpha',
    '1.2_alpha1',
    '1.2_alpha2',
    '1.2_beta',
    '1.2_pre1',
    '1.2_rc1',
    '1.2',
    '1.2-r1',
    '1.2-r10',
    '1.2_cvs',
    '1.2_svn',
    '1.2_git20240101',
    '1.2_hg',
    '1.2_p1',
    '1.2_p1-r3',
    '1.2a',
    '1.2b',
    '1.2.0',
    '1.2.1',
    '1.10',
  ]);
  // A leading zero turns a component into text: 1.05 sorts before 1.1 and 1.010 before 1.02.
  assert.equal(apk.compare('1.05', '1.1'), -1);
  assert.equal(apk.compare('1.010', '1.02'), -1);
  assert.equal(apk.compare('1.0~abc', '1.0~abd'), -1);
  assert.equal(apk.compare('99999999999999999999.1', '99999999999999999998.1'), 1);
});
