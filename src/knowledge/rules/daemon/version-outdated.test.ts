import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule, { RELEASE_LINES, TABLE_AS_OF, parseEngineVersion, supportOf } from './version-outdated.ts';
import { factsWith, issues } from './test-support/cases.ts';

const at = (engine: string, now = '2026-11-22T00:00:00Z') => issues(rule, factsWith({ version: { engine } }, { now: new Date(now) }));

test("Debian's 20.10.24+dfsg1 is release line 20.10, out of support since 2023-12-10 (docker-bench passes it)", () => {
  assert.deepEqual(parseEngineVersion('20.10.24+dfsg1'), { major: 20, minor: 10 });
  const out = at('20.10.24+dfsg1');
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /release line 20\.10\) went out of support on 2023-12-10/);
  assert.match(out[0]?.message ?? '', /distribution build/);
  assert.deepEqual(out[0]?.at, { path: '/version.Version' });
});

test('the end date decides: the day before passes, the day itself fails', () => {
  assert.deepEqual(at('24.0.9', '2024-06-07T12:00:00Z'), []);
  assert.equal(at('24.0.9', '2024-06-08T00:00:00Z').length, 1);
});

test('26.0 and 26.1 end separately; 27 ended in 2025', () => {
  assert.equal(at('26.0.2', '2024-12-01T00:00:00Z').length, 1);
  assert.deepEqual(at('26.1.4', '2024-12-01T00:00:00Z'), []);
  assert.match(at('27.3.1')[0]?.message ?? '', /2025-05-03/);
});

test('maintained lines pass; a line newer than the table passes', () => {
  assert.deepEqual(at('29.1.2'), []);
  assert.deepEqual(at('25.0.14'), []);
  assert.deepEqual(at('31.0.0'), []);
});

test('ancient releases (1.13, 17.03-ce) fail', () => {
  assert.match(at('1.13.1')[0]?.message ?? '', /predates every maintained release line/);
  assert.equal(at('17.03.2-ce').length, 1);
});

test('a version that cannot be placed is an info issue, never a silent pass', () => {
  const unparsable = at('master-dockerproject-2024');
  assert.equal(unparsable[0]?.severity, 'info');
  assert.equal(at('22.06.0')[0]?.severity, 'info');
});

test('a maintained entry is re-questioned once the table is old', () => {
  const out = at('29.1.2', '2028-01-01T00:00:00Z');
  assert.equal(out[0]?.severity, 'info');
  assert.match(out[0]?.message ?? '', new RegExp(TABLE_AS_OF));
});

test('the table is ordered newest first and every end follows its release', () => {
  for (const l of RELEASE_LINES) if (l.eol) assert.ok(l.eol > l.released, l.cycle);
  assert.ok('line' in supportOf({ major: 23, minor: 0 }, new Date('2025-01-01')));
});
