/**
 * CVSS base scores for the vectors OSV records carry in `severity[]` (types `CVSS_V2`,
 * `CVSS_V3`, `CVSS_V4`), and the qualitative rating of a score.
 *
 * The arithmetic is `ae-cvss-calculator`'s (all four versions, the v4.0 macro-vector
 * lookup included). It accepts malformed vectors silently (a missing metric scores 0)
 * or throws untyped errors, so every vector is checked here first: each base metric
 * exactly once with a value its specification defines, other metrics well-formed and
 * then left out, because a finding's score is the base score.
 */
import calculator from 'ae-cvss-calculator';
import type { Severity } from '../../../models/finding.ts';
import { rate } from './rating.ts';

export { rate, severityFromLabel } from './rating.ts';

export type { CvssVersion } from './rating.ts';
import type { CvssVersion } from './rating.ts';

export interface CvssScore {
  version: CvssVersion;
  /** The vector as given. */
  vector: string;
  /** 0.0 to 10.0, one decimal. */
  baseScore: number;
  /** The specification's rating of `baseScore`; `none` for 0.0 in v3 and v4. */
  rating: Severity | 'none';
}

type Metrics = Readonly<Record<string, readonly string[]>>;

const V2_BASE: Metrics = {
  AV: ['L', 'A', 'N'], AC: ['H', 'M', 'L'], Au: ['M', 'S', 'N'], C: ['N', 'P', 'C'], I: ['N', 'P', 'C'], A: ['N', 'P', 'C'],
};
const V3_BASE: Metrics = {
  AV: ['N', 'A', 'L', 'P'], AC: ['L', 'H'], PR: ['N', 'L', 'H'], UI: ['N', 'R'], S: ['U', 'C'],
  C: ['H', 'L', 'N'], I: ['H', 'L', 'N'], A: ['H', 'L', 'N'],
};
const V4_BASE: Metrics = {
  AV: ['N', 'A', 'L', 'P'], AC: ['L', 'H'], AT: ['N', 'P'], PR: ['N', 'L', 'H'], UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'], VI: ['H', 'L', 'N'], VA: ['H', 'L', 'N'], SC: ['H', 'L', 'N'], SI: ['H', 'L', 'N'], SA: ['H', 'L', 'N'],
};

const MAX_VECTOR = 512;

/**
 * Scores `vector`; the version comes from its `CVSS:3.x/` or `CVSS:4.0/` prefix, and a
 * vector without one is read as v2 (how NVD and OSV write v2 vectors).
 * @throws TypeError saying what is wrong with the vector.
 */
export function scoreVector(vector: string): CvssScore {
  const known = cache.get(vector);
  if (known !== undefined) return known;
  const scored = score(vector);
  // Advisories repeat a few thousand distinct vectors; the calculator costs ~20 µs a call.
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(vector, scored);
  return scored;
}

const cache = new Map<string, CvssScore>();
const CACHE_MAX = 50_000;

function score(vector: string): CvssScore {
  if (typeof vector !== 'string' || vector.length === 0 || vector.length > MAX_VECTOR) {
    throw new TypeError(`CVSS vector must be a non-empty string of at most ${MAX_VECTOR} characters`);
  }
  const text = vector.trim().replace(/^\((.*)\)$/, '$1');
  const m = /^CVSS:(\d\.\d)\/(.*)$/.exec(text);
  const version = (m === null ? '2.0' : m[1]) as CvssVersion;
  const body = m === null ? text : (m[2] as string);
  const base = version === '2.0' ? V2_BASE : version === '3.0' || version === '3.1' ? V3_BASE : version === '4.0' ? V4_BASE : undefined;
  if (base === undefined) throw new TypeError(`CVSS vector ${JSON.stringify(vector)}: unknown version ${version}`);

  const values = new Map<string, string>();
  for (const part of body.split('/')) {
    const kv = /^([A-Za-z]+):([A-Za-z]+)$/.exec(part);
    if (kv === null) throw new TypeError(`CVSS vector ${JSON.stringify(vector)}: ${JSON.stringify(part)} is not METRIC:VALUE`);
    const [, key, value] = kv as unknown as [string, string, string];
    if (values.has(key)) throw new TypeError(`CVSS vector ${JSON.stringify(vector)}: metric ${key} appears twice`);
    values.set(key, value);
  }
  const kept: string[] = [];
  for (const [key, allowed] of Object.entries(base)) {
    const value = values.get(key);
    if (value === undefined) throw new TypeError(`CVSS ${version} vector ${JSON.stringify(vector)}: base metric ${key} is missing`);
    if (!allowed.includes(value)) throw new TypeError(`CVSS ${version} vector ${JSON.stringify(vector)}: ${key}:${value} is not one of ${allowed.join(', ')}`);
    kept.push(`${key}:${value}`);
  }
  const baseVector = (version === '2.0' ? '' : `CVSS:${version}/`) + kept.join('/');
  const baseScore = calculate(version, baseVector);
  return { version, vector, baseScore, rating: rate(version, baseScore) };
}

function calculate(version: CvssVersion, baseVector: string): number {
  const scores =
    version === '2.0'
      ? new calculator.Cvss2(baseVector).calculateScores()
      : version === '3.0'
        ? new calculator.Cvss3P0(baseVector).calculateScores()
        : version === '3.1'
          ? new calculator.Cvss3P1(baseVector).calculateScores()
          : new calculator.Cvss4P0(baseVector).calculateScores();
  const score = scores.base ?? scores.overall;
  if (typeof score !== 'number' || !Number.isFinite(score)) throw new TypeError(`CVSS ${version} vector ${baseVector}: no base score`);
  return Math.round(score * 10) / 10;
}
