/** Test helpers shared by the version scheme tests: the conformance data and pair checks. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { Comparison, VersionScheme } from '../scheme.ts';

export interface Pair {
  readonly a: string;
  readonly b: string;
  readonly expected: Comparison;
  readonly line: number;
}

/**
 * The conformance data is vendored in `test/conformance` (see its README for where each file
 * came from), so a plain clone runs these checks; MOAT_CONFORMANCE_DIR points elsewhere when needed.
 * A missing file fails the test: these checks must never pass by not running.
 */
export function conformanceDir(): string {
  const fromEnv = process.env['MOAT_CONFORMANCE_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
  return path.resolve(repoRoot, 'test', 'conformance');
}

export function readPairs(file: string): Pair[] {
  const full = path.join(conformanceDir(), 'versions', file);
  const text = readFileSync(full, 'utf8');
  const pairs: Pair[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw === '') return;
    const cols = raw.split('\t');
    const [a, b, e] = cols;
    if (cols.length !== 3 || a === undefined || b === undefined || (e !== '-1' && e !== '0' && e !== '1')) {
      throw new Error(`${full}:${index + 1}: expected a<TAB>b<TAB>-1|0|1, got ${JSON.stringify(raw)}`);
    }
    pairs.push({ a, b, expected: Number(e) as Comparison, line: index + 1 });
  });
  return pairs;
}

/** Every pair that disagrees, as readable lines, so one failing assertion shows them all. */
export function disagreements(pairs: readonly Pair[], cmp: (a: string, b: string) => number): string[] {
  const out: string[] = [];
  for (const p of pairs) {
    let got: string;
    try {
      got = String(cmp(p.a, p.b));
    } catch (error) {
      got = `threw ${(error as Error).message}`;
    }
    if (got !== String(p.expected)) out.push(`line ${p.line}: ${p.a} vs ${p.b}: expected ${p.expected}, got ${got}`);
  }
  return out;
}

/** Asserts that `versions` is strictly ascending under `scheme`, checking every pair both ways. */
export function assertAscending(scheme: VersionScheme, versions: readonly string[]): void {
  const wrong: string[] = [];
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < versions.length; j++) {
      const a = versions[i] as string;
      const b = versions[j] as string;
      const want = i < j ? -1 : i > j ? 1 : 0;
      const got = scheme.compare(a, b);
      if (got !== want) wrong.push(`${a} vs ${b}: expected ${want}, got ${got}`);
    }
  }
  assert.deepEqual(wrong, [], `${scheme.name}: ordering disagreements`);
}

/** Asserts that every version in `group` compares equal to every other under `scheme`. */
export function assertAllEqual(scheme: VersionScheme, group: readonly string[]): void {
  const wrong: string[] = [];
  for (const a of group) {
    for (const b of group) {
      const got = scheme.compare(a, b);
      if (got !== 0) wrong.push(`${a} vs ${b}: expected 0, got ${got}`);
    }
  }
  assert.deepEqual(wrong, [], `${scheme.name}: equality disagreements`);
}

/** Asserts the scheme refuses `version` in isValid and, with a TypeError naming both, in compare. */
export function assertRejected(scheme: VersionScheme, version: string, other: string): void {
  assert.equal(scheme.isValid(version), false, `${scheme.name}: ${JSON.stringify(version)} should be invalid`);
  for (const [a, b] of [[version, other], [other, version]] as const) {
    assert.throws(
      () => scheme.compare(a, b),
      (error: unknown) =>
        error instanceof TypeError && error.message.includes(scheme.name) && error.message.includes(JSON.stringify(version)),
      `${scheme.name}: compare(${JSON.stringify(a)}, ${JSON.stringify(b)}) should throw a TypeError`,
    );
  }
}
