import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rate, scoreVector, severityFromLabel } from './index.ts';

function scores(cases: readonly (readonly [string, number, string])[]): void {
  const wrong: string[] = [];
  for (const [vector, score, rating] of cases) {
    const got = scoreVector(vector);
    if (got.baseScore !== score || got.rating !== rating) wrong.push(`${vector}: expected ${score} ${rating}, got ${got.baseScore} ${got.rating}`);
  }
  assert.deepEqual(wrong, []);
}

test('CVSS v3.1: the worked examples of FIRST\'s "CVSS v3.1 Examples" document', () => {
  scores([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1, 'medium'], // CVE-2013-1937 phpMyAdmin reflected XSS
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1, 'low'], // CVE-2014-3566 SSLv3 POODLE
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9, 'critical'], // CVE-2012-1516 VMware guest to host
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5, 'high'], // CVE-2014-0160 Heartbleed
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'critical'], // CVE-2014-6271 Shellshock
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8, 'high'], // CVE-2016-5195 Dirty COW
    ['CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L', 4.2, 'medium'], // CVE-2009-0783 Apache Tomcat XML parser
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 8.8, 'high'], // CVE-2012-0384 Cisco IOS
    ['CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 6.8, 'medium'], // CVE-2014-2005 Sophos full disk encryption
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N', 5.8, 'medium'], // CVE-2010-0467 Joomla directory traversal
  ]);
});

test('CVSS v3.0 scores with its own formula, and temporal or environmental metrics do not change the base score', () => {
  scores([
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'critical'],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:U/RL:O/RC:U', 7.5, 'high'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0, 'none'],
  ]);
});

test('CVSS v2: the examples of the CVSS v2 Complete Guide (section 3.3)', () => {
  scores([
    ['AV:N/AC:L/Au:N/C:N/I:N/A:C', 7.8, 'high'], // CVE-2002-0392 Apache chunked encoding
    ['AV:N/AC:L/Au:N/C:C/I:C/A:C', 10, 'high'], // CVE-2003-0818 Microsoft ASN.1
    ['AV:L/AC:H/Au:N/C:C/I:C/A:C', 6.2, 'medium'], // CVE-2003-0062 NOD32 buffer overflow
    ['(AV:N/AC:L/Au:N/C:C/I:C/A:C)', 10, 'high'],
  ]);
});

test('CVSS v4.0: base scores of the specification\'s reference calculator', () => {
  scores([
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3, 'critical'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 10, 'critical'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 8.7, 'high'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N', 6.9, 'medium'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0, 'none'],
  ]);
});

test('refuses malformed vectors with a reason instead of scoring them 0', () => {
  for (const [bad, why] of [
    ['', /non-empty/],
    ['CVSS:3.1/AV:N/AC:L', /base metric PR is missing/],
    ['CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /AV:X is not one of/],
    ['CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /appears twice/],
    ['CVSS:9.9/AV:N', /unknown version 9.9/],
    ['CVSS:3.1/garbage', /is not METRIC:VALUE/],
    ['x'.repeat(600), /at most 512/],
  ] as const) {
    assert.throws(() => scoreVector(bad), (e: unknown) => e instanceof TypeError && why.test(e.message), bad);
  }
});

test('rates scores and advisory severity words', () => {
  assert.equal(rate('2.0', 10), 'high');
  assert.equal(rate('3.1', 8.9), 'high');
  assert.equal(rate('4.0', 9), 'critical');
  assert.equal(rate('3.1', 0.1), 'low');
  assert.deepEqual(
    ['CRITICAL', 'Important', 'MODERATE', 'medium', 'low', 'unimportant', 'negligible', 'not yet assigned', 'medium**'].map(severityFromLabel),
    ['critical', 'high', 'medium', 'medium', 'low', 'info', 'info', undefined, 'medium'],
  );
});
