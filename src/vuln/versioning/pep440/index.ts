/**
 * Python package versions (PEP 440, as the `packaging` library orders them): epochs,
 * pre-, post- and dev-releases, local versions, and the normalisations PEP 440 allows
 * (`1.0-rc.1` is `1.0rc1`, `1.0-1` is `1.0.post1`, case and surrounding whitespace).
 *
 * Parsing and ordering come from `@renovatebot/pep440`, a port of `packaging`'s
 * `Version`; this module only fits it to the scheme contract (validity first, a
 * TypeError naming the version, -1 | 0 | 1).
 */
import { compare as pep440Compare, parse } from '@renovatebot/pep440';
import { invalidVersion, sign, type Comparison, type VersionScheme } from '../scheme.ts';

const NAME = 'pep440';
const MAX_LENGTH = 256;

function clean(version: string): string | undefined {
  if (typeof version !== 'string' || version.length > MAX_LENGTH) return undefined;
  const trimmed = version.trim();
  return trimmed !== '' && parse(trimmed) !== null ? trimmed : undefined;
}

function isValid(version: string): boolean {
  return clean(version) !== undefined;
}

function compare(a: string, b: string): Comparison {
  const ca = clean(a);
  if (ca === undefined) throw invalidVersion(NAME, a);
  const cb = clean(b);
  if (cb === undefined) throw invalidVersion(NAME, b);
  return sign(pep440Compare(ca, cb));
}

export const pep440: VersionScheme = { name: NAME, isValid, compare };
