/**
 * Python package versions (PEP 440, as the `packaging` library orders them): epochs,
 * pre-, post- and dev-releases, local versions, and the normalisations PEP 440 allows
 * (`1.0-rc.1` is `1.0rc1`, `1.0-1` is `1.0.post1`, case and surrounding whitespace).
 *
 * Parsing is `@renovatebot/pep440`'s (a port of `packaging`'s `Version`). Its `compare`
 * parses both versions with a regular expression on every call, which made PyPI the
 * slowest ecosystem to match; here each version is parsed once into `packaging`'s sort
 * key (`_cmpkey`) and the keys are compared. A test checks the result against the
 * library's own `compare` on thousands of generated pairs.
 */
import { parse } from '@renovatebot/pep440';
import { invalidVersion, type Comparison, type VersionScheme } from '../scheme.ts';

const NAME = 'pep440';
const MAX_LENGTH = 256;
const CACHE_MAX = 100_000;

/** `packaging`'s sort key; `null` parts are the infinities `_cmpkey` puts there. */
interface Key {
  epoch: number;
  /** Release numbers without trailing zeros. */
  release: number[];
  /** -1: before everything (a bare dev release), 1: after everything (no pre-release), 0: `preLetter`/`preNumber`. */
  preSide: -1 | 0 | 1;
  preLetter: string;
  preNumber: number;
  /** Absent post-release: -Infinity. */
  post: number;
  /** Absent dev release: +Infinity. */
  dev: number;
  /** Absent local version: null (sorts first). */
  local: Array<string | number> | null;
}

const cache = new Map<string, Key | null>();

function keyOf(version: string): Key | null {
  if (typeof version !== 'string') return null;
  const known = cache.get(version);
  if (known !== undefined) return known;
  const key = computeKey(version);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(version, key);
  return key;
}

function computeKey(version: string): Key | null {
  if (version.length > MAX_LENGTH) return null;
  const trimmed = version.trim();
  if (trimmed === '') return null;
  const p = parse(trimmed);
  if (p === null) return null;
  const release = [...p.release];
  while (release.length > 0 && release[release.length - 1] === 0) release.pop();
  const pre = p.pre as [string, number] | null;
  const post = p.post as [string, number] | null;
  const dev = p.dev as [string, number] | null;
  const local = p.local as unknown as Array<string | number> | null;
  return {
    epoch: p.epoch,
    release,
    preSide: pre !== null ? 0 : post === null && dev !== null ? -1 : 1,
    preLetter: pre?.[0] ?? '',
    preNumber: pre?.[1] ?? 0,
    post: post === null ? -Infinity : post[1],
    dev: dev === null ? Infinity : dev[1],
    local: local !== null && local.length > 0 ? local : null,
  };
}

function cmp(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys(a: Key, b: Key): number {
  let r = cmp(a.epoch, b.epoch);
  if (r !== 0) return r;
  const n = Math.min(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) if ((r = cmp(a.release[i] as number, b.release[i] as number)) !== 0) return r;
  if ((r = cmp(a.release.length, b.release.length)) !== 0) return r;
  if ((r = cmp(a.preSide, b.preSide)) !== 0) return r;
  if (a.preSide === 0 && ((r = cmp(a.preLetter, b.preLetter)) !== 0 || (r = cmp(a.preNumber, b.preNumber)) !== 0)) return r;
  if ((r = cmp(a.post, b.post)) !== 0) return r;
  if ((r = cmp(a.dev, b.dev)) !== 0) return r;
  return compareLocal(a.local, b.local);
}

/** Numeric segments sort after alphanumeric ones, numbers by value, text by code point; a prefix sorts first. */
function compareLocal(a: Key['local'], b: Key['local']): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    const xn = typeof x === 'number';
    const yn = typeof y === 'number';
    const r = xn !== yn ? (xn ? 1 : -1) : cmp(x, y);
    if (r !== 0) return r;
  }
  return cmp(a.length, b.length);
}

function isValid(version: string): boolean {
  return keyOf(version) !== null;
}

function compare(a: string, b: string): Comparison {
  const ka = keyOf(a);
  if (ka === null) throw invalidVersion(NAME, a);
  const kb = keyOf(b);
  if (kb === null) throw invalidVersion(NAME, b);
  const r = compareKeys(ka, kb);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

export const pep440: VersionScheme = { name: NAME, isValid, compare };
