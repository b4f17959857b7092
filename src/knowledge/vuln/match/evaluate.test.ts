/**
 * The database stores ranges with their events ordered at import (osv/normalize.ts), and
 * matching walks them in that order. This property test checks the stored path against
 * the OSV schema's evaluation written out plainly over the record's own events (sort per
 * call, first fix above the version), on generated ranges full of ties, re-introductions,
 * limits and `last_affected`, in every ecosystem Moat matches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemeFor } from '../ecosystems.ts';
import { normalizeRecord } from '../osv/normalize.ts';
import { rng } from '../test-support/rng.ts';
import type { VersionScheme } from '../versioning/scheme.ts';
import { evaluate, type RangeVerdict } from './evaluate.ts';

type Event = Partial<Record<'introduced' | 'fixed' | 'last_affected' | 'limit', string>>;

/** https://ossf.github.io/osv-schema/#evaluation, over events in the record's order. */
function specAffected(scheme: VersionScheme, version: string, events: readonly Event[]): boolean {
  const limits = events.flatMap((e) => (e.limit !== undefined ? [e.limit] : []));
  if (limits.length > 0 && !limits.some((l) => l === '*' || scheme.compare(version, l) < 0)) return false;
  const steps = events.filter((e) => e.limit === undefined).map((e) => Object.entries(e)[0] as [string, string]);
  const zero = (s: [string, string]): boolean => s[0] === 'introduced' && s[1] === '0';
  steps.sort((a, b) => (zero(a) || zero(b) ? (zero(a) === zero(b) ? 0 : zero(a) ? -1 : 1) : scheme.compare(a[1], b[1])));
  let vulnerable = false;
  for (const [kind, at] of steps) {
    if (kind === 'introduced' && (zero([kind, at]) || scheme.compare(version, at) >= 0)) vulnerable = true;
    else if (kind === 'fixed' && scheme.compare(version, at) >= 0) vulnerable = false;
    else if (kind === 'last_affected' && scheme.compare(version, at) > 0) vulnerable = false;
  }
  return vulnerable;
}

function specVerdict(scheme: VersionScheme, version: string, ranges: readonly Event[][]): RangeVerdict {
  let affected = false;
  let fixed: string | undefined;
  for (const events of ranges) {
    if (!specAffected(scheme, version, events)) continue;
    affected = true;
    for (const e of events) {
      if (e.fixed === undefined || scheme.compare(e.fixed, version) <= 0) continue;
      if (fixed === undefined || scheme.compare(e.fixed, fixed) < 0) fixed = e.fixed;
    }
  }
  if (!affected) return { affected: false };
  return fixed === undefined ? { affected: true } : { affected: true, fixed };
}

// Pools with versions equal under the scheme but written differently, so ties happen.
const POOLS: ReadonlyArray<{ ecosystem: string; type: 'ECOSYSTEM' | 'SEMVER'; versions: string[] }> = [
  { ecosystem: 'Debian:12', type: 'ECOSYSTEM', versions: ['1.0-1', '0:1.0-1', '1.0-1~deb12u1', '1.0-1+deb12u1', '1.2-3', '1:0.9-1', '2.0~rc1-1', '2.0-1'] },
  { ecosystem: 'Alpine:v3.20', type: 'ECOSYSTEM', versions: ['1.0-r0', '1.0-r1', '1.0_rc1-r0', '1.1-r0', '1.1.1-r2', '2.0-r0'] },
  { ecosystem: 'npm', type: 'SEMVER', versions: ['1.0.0', '1.0.0-rc.1', '1.0.1', '1.2.0', '2.0.0', '2.0.0+build.5', 'v2.0.0'] },
  { ecosystem: 'PyPI', type: 'ECOSYSTEM', versions: ['1.0', '1.0.0', '1.0rc1', '1.0.post1', '1!0.5', '1.1', '2.0.dev3'] },
  { ecosystem: 'Maven', type: 'ECOSYSTEM', versions: ['1.0', '1.0.0', '1.0-alpha-1', '1.0-SNAPSHOT', '1.1', '1.1.0.Final', '2.0'] },
  { ecosystem: 'Go', type: 'SEMVER', versions: ['1.0.0', '1.0.1', '1.2.0-pre', '1.2.0', '1.21.3', '2.0.0'] },
];

test('ranges stored in scheme order give the verdict and fix of the OSV evaluation over the record (10,000 generated cases)', () => {
  const pick = rng(20261202);
  const one = <T>(xs: readonly T[]): T => xs[Math.floor(pick() * xs.length)] as T;
  let affected = 0;
  let fixes = 0;
  for (let n = 0; n < 10_000; n++) {
    const pool = one(POOLS);
    const scheme = schemeFor(pool.ecosystem, pool.type) as VersionScheme;
    const ranges: Event[][] = Array.from({ length: 1 + Math.floor(pick() * 2) }, () => {
      const events: Event[] = [{ introduced: pick() < 0.4 ? '0' : one(pool.versions) }];
      for (let i = Math.floor(pick() * 5); i > 0; i--) {
        const r = pick();
        events.push(r < 0.4 ? { fixed: one(pool.versions) } : r < 0.7 ? { introduced: one(pool.versions) } : r < 0.85 ? { last_affected: one(pool.versions) } : { limit: pick() < 0.3 ? '*' : one(pool.versions) });
      }
      // The record's order is a timeline, not a sorted list.
      return events.sort(() => pick() - 0.5);
    });
    const record = { id: `CVE-9999-${n}`, modified: '9999-01-01T00:00:00Z', affected: [{ package: { ecosystem: pool.ecosystem, name: 'p' }, ranges: ranges.map((events) => ({ type: pool.type, events })) }] };
    const normalized = normalizeRecord(record);
    assert.deepEqual(normalized.dropped, []);
    const entry = normalized.affected[0];
    assert.ok(entry !== undefined);
    const version = one(pool.versions);
    const got = evaluate(pool.ecosystem, version, { ranges: entry.ranges, versions: () => undefined });
    const want = specVerdict(scheme, version, ranges);
    assert.deepEqual(got, want, `${pool.ecosystem} ${version} in ${JSON.stringify(ranges)}`);
    if ('affected' in got && got.affected) {
      affected++;
      if (got.fixed !== undefined) fixes++;
    }
  }
  // The generator must exercise both answers and the fix search, or the test proves little.
  assert.ok(affected > 2000 && affected < 8000, `${affected} affected of 10000`);
  assert.ok(fixes > 1000, `${fixes} with a fix`);
});

test('an installed version the scheme cannot read is reported, whatever the stored order', () => {
  const record = { id: 'CVE-9999-1', modified: '9999-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'p' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] };
  const entry = normalizeRecord(record).affected[0];
  assert.ok(entry !== undefined);
  assert.deepEqual(entry.ranges, [{ type: 'SEMVER', kinds: 'i', versions: ['0'], limits: [] }]);
  assert.deepEqual(evaluate('npm', 'not-a-version', { ranges: entry.ranges, versions: () => undefined }), { invalid: 'installed version "not-a-version" is not a valid semver version' });
});
