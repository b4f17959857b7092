/**
 * Debian package versions, `[epoch:]upstream[-revision]`, ordered as dpkg orders them
 * (Debian Policy 5.6.12; dpkg's `parseversion` and `verrevcmp`).
 *
 * Validity follows `dpkg --compare-versions`: what dpkg rejects with an error is invalid;
 * what it only warns about (an upstream part not starting with a digit, unusual
 * punctuation) is accepted and ordered as dpkg orders it. Moat also rejects non-ASCII
 * characters, which dpkg would warn about and then order byte by byte.
 */
import { invalidVersion, sign, type Comparison, type VersionScheme } from '../scheme.ts';

const NAME = 'dpkg';
const INT_MAX = 2147483647;

// Field offsets in the scratch record `locate` fills: the comparison runs over index
// ranges of the original strings, so ordering two versions allocates nothing.
const EPOCH = 0;
const UP_START = 1;
const UP_END = 2;
const REV_START = 3;
const REV_END = 4;
const FIELDS = 5;
const scratch = new Float64Array(FIELDS * 2);

/** Fills `scratch` at `base` with the parts of `v`; returns dpkg's error message, or undefined. */
function locate(v: string, base: number): string | undefined {
  let start = 0;
  let end = v.length;
  while (start < end && isSpace(v.charCodeAt(start))) start++;
  while (end > start && isSpace(v.charCodeAt(end - 1))) end--;
  if (start === end) return 'version string is empty';

  let colon = -1;
  let hyphen = -1;
  for (let i = start; i < end; i++) {
    const c = v.charCodeAt(i);
    if (isSpace(c)) return 'version string has embedded spaces';
    if (c < 0x21 || c > 0x7e) return 'version string has a non-ASCII or control character';
    if (c === 58 /* : */ && colon < 0) colon = i;
    else if (c === 45 /* - */) hyphen = i;
  }

  let epoch = 0;
  let upStart = start;
  if (colon >= 0) {
    if (colon === start) return 'epoch in version is empty';
    for (let i = start; i < colon; i++) {
      const c = v.charCodeAt(i);
      if (c < 48 || c > 57) return i === start ? 'epoch in version is empty' : 'epoch in version is not number';
      epoch = epoch * 10 + (c - 48);
      if (epoch > INT_MAX) return 'epoch in version is too big';
    }
    if (colon + 1 === end) return 'nothing after colon in version number';
    upStart = colon + 1;
  }

  let upEnd = end;
  let revStart = end;
  if (hyphen >= upStart) {
    if (hyphen + 1 === end) return 'revision number is empty';
    upEnd = hyphen;
    revStart = hyphen + 1;
  }
  if (upStart === upEnd) return 'version number is empty';

  scratch[base + EPOCH] = epoch;
  scratch[base + UP_START] = upStart;
  scratch[base + UP_END] = upEnd;
  scratch[base + REV_START] = revStart;
  scratch[base + REV_END] = end;
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** dpkg's character weight: `~` below the end of a part, letters below other symbols. */
function weight(c: number): number {
  if (isDigit(c)) return 0;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return c;
  if (c === 126 /* ~ */) return -1;
  return c + 256;
}

/** dpkg's `verrevcmp` over `a[i, ie)` and `b[j, je)`; the sign is the answer. */
function verrevcmp(a: string, i: number, ie: number, b: string, j: number, je: number): number {
  while (i < ie || j < je) {
    let firstDiff = 0;
    while ((i < ie && !isDigit(a.charCodeAt(i))) || (j < je && !isDigit(b.charCodeAt(j)))) {
      const ac = i < ie ? weight(a.charCodeAt(i)) : 0;
      const bc = j < je ? weight(b.charCodeAt(j)) : 0;
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (i < ie && a.charCodeAt(i) === 48) i++;
    while (j < je && b.charCodeAt(j) === 48) j++;
    while (i < ie && j < je && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < ie && isDigit(a.charCodeAt(i))) return 1;
    if (j < je && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

function compare(a: string, b: string): Comparison {
  const errA = locate(a, 0);
  if (errA !== undefined) throw invalidVersion(NAME, a, errA);
  const errB = locate(b, FIELDS);
  if (errB !== undefined) throw invalidVersion(NAME, b, errB);

  const epochA = scratch[EPOCH] as number;
  const epochB = scratch[FIELDS + EPOCH] as number;
  if (epochA !== epochB) return epochA < epochB ? -1 : 1;

  const up = verrevcmp(
    a, scratch[UP_START] as number, scratch[UP_END] as number,
    b, scratch[FIELDS + UP_START] as number, scratch[FIELDS + UP_END] as number,
  );
  if (up !== 0) return sign(up);
  return sign(
    verrevcmp(
      a, scratch[REV_START] as number, scratch[REV_END] as number,
      b, scratch[FIELDS + REV_START] as number, scratch[FIELDS + REV_END] as number,
    ),
  );
}

function isValid(version: string): boolean {
  return typeof version === 'string' && locate(version, 0) === undefined;
}

export const dpkg: VersionScheme = { name: NAME, isValid, compare };
