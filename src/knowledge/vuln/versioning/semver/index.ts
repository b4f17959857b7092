/**
 * npm package versions: SemVer 2.0.0 precedence (prerelease identifiers compared one by
 * one, build metadata ignored), accepting what node-semver's strict parser accepts: an
 * optional leading `v`, surrounding whitespace, at most 256 characters, and major, minor
 * and patch numbers no larger than 2^53 - 1.
 */
import { invalidVersion, type Comparison, type VersionScheme } from '../scheme.ts';
import { FIELDS, precedence, scan, type VersionScanOptions } from './core.ts';

const NAME = 'semver';
const MAX_LENGTH = 256;
const NPM: VersionScanOptions = { short: false, safeIntegers: true };
const scratch = new Int32Array(FIELDS * 2);

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff;
}

function locate(v: string, base: number): boolean {
  if (typeof v !== 'string' || v.length > MAX_LENGTH) return false;
  let start = 0;
  let end = v.length;
  while (start < end && isSpace(v.charCodeAt(start))) start++;
  while (end > start && isSpace(v.charCodeAt(end - 1))) end--;
  if (start < end && v.charCodeAt(start) === 118 /* v */) start++;
  return scan(v, start, end, scratch, base, NPM);
}

function isValid(version: string): boolean {
  return locate(version, 0);
}

function compare(a: string, b: string): Comparison {
  if (!locate(a, 0)) throw invalidVersion(NAME, a);
  if (!locate(b, FIELDS)) throw invalidVersion(NAME, b);
  return precedence(a, b, scratch, 0, FIELDS);
}

export const semver: VersionScheme = { name: NAME, isValid, compare };
