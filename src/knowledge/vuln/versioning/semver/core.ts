/**
 * SemVer 2.0.0 scanning and precedence, shared by the npm (`semver`) and Go (`go`)
 * schemes, which differ only in what they accept around it.
 *
 * Versions are scanned in place into a scratch record of index ranges, so comparing
 * allocates nothing.
 */

// Layout of one located version in a scratch record.
export const MAJOR = 0; // [start, end) of the digits; an empty range reads as 0
export const MINOR = 2;
export const PATCH = 4;
export const PRE = 6; // [start, end) of the prerelease, without the hyphen; empty when absent
export const FIELDS = 8;

export interface VersionScanOptions {
  /** Accept `1` and `1.2` as `1.0.0` and `1.2.0` (Go's `vMAJOR` and `vMAJOR.MINOR`). */
  readonly short: boolean;
  /** Refuse major, minor or patch numbers above 2^53 - 1, as npm does. */
  readonly safeIntegers: boolean;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentChar(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
}

/** Scans `0|[1-9][0-9]*` at `i`; returns the end, or -1. */
function scanNumber(v: string, i: number, end: number): number {
  const start = i;
  while (i < end && isDigit(v.charCodeAt(i))) i++;
  if (i === start || (v.charCodeAt(start) === 48 && i - start > 1)) return -1;
  return i;
}

function isSafe(v: string, start: number, end: number): boolean {
  if (end - start < 16) return true;
  if (end - start > 16) return false;
  return Number(v.slice(start, end)) <= Number.MAX_SAFE_INTEGER;
}

/**
 * Scans dot-separated identifiers at `i` up to the first `stop` character or `end`.
 * Numeric identifiers may not have leading zeros when `strictNumbers`. Returns the end, or -1.
 */
function scanIdentifiers(v: string, i: number, end: number, stop: number, strictNumbers: boolean): number {
  let start = i;
  let numeric = true;
  for (; ; i++) {
    const c = i < end ? v.charCodeAt(i) : -1;
    if (c === 46 /* . */ || c === stop || c === -1) {
      if (i === start) return -1;
      if (strictNumbers && numeric && v.charCodeAt(start) === 48 && i - start > 1) return -1;
      if (c !== 46) return i;
      start = i + 1;
      numeric = true;
    } else if (isIdentChar(c)) {
      if (!isDigit(c)) numeric = false;
    } else {
      return -1;
    }
  }
}

/**
 * Scans `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` in `v[i, end)` into `out` at `base`.
 * Returns false when the text is not such a version.
 */
export function scan(v: string, i: number, end: number, out: Int32Array, base: number, options: VersionScanOptions): boolean {
  const majorEnd = scanNumber(v, i, end);
  if (majorEnd < 0) return false;
  out[base + MAJOR] = i;
  out[base + MAJOR + 1] = majorEnd;
  out[base + MINOR] = out[base + MINOR + 1] = majorEnd;
  out[base + PATCH] = out[base + PATCH + 1] = majorEnd;
  out[base + PRE] = out[base + PRE + 1] = end;
  if (options.safeIntegers && !isSafe(v, i, majorEnd)) return false;
  i = majorEnd;
  if (i === end) return options.short;
  if (v.charCodeAt(i) !== 46) return false;

  const minorEnd = scanNumber(v, i + 1, end);
  if (minorEnd < 0) return false;
  out[base + MINOR] = i + 1;
  out[base + MINOR + 1] = minorEnd;
  out[base + PATCH] = out[base + PATCH + 1] = minorEnd;
  if (options.safeIntegers && !isSafe(v, i + 1, minorEnd)) return false;
  i = minorEnd;
  if (i === end) return options.short;
  if (v.charCodeAt(i) !== 46) return false;

  const patchEnd = scanNumber(v, i + 1, end);
  if (patchEnd < 0) return false;
  out[base + PATCH] = i + 1;
  out[base + PATCH + 1] = patchEnd;
  if (options.safeIntegers && !isSafe(v, i + 1, patchEnd)) return false;
  i = patchEnd;

  if (i < end && v.charCodeAt(i) === 45 /* - */) {
    const preEnd = scanIdentifiers(v, i + 1, end, 43 /* + */, true);
    if (preEnd < 0) return false;
    out[base + PRE] = i + 1;
    out[base + PRE + 1] = preEnd;
    i = preEnd;
  }
  if (i < end && v.charCodeAt(i) === 43 /* + */) {
    // Build metadata is checked for syntax and otherwise ignored.
    i = scanIdentifiers(v, i + 1, end, -2, false);
    if (i < 0) return false;
  }
  return i === end;
}

/** Non-negative decimal runs by value; leading zeros and an empty run mean nothing. */
function compareDigits(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  while (as < ae && a.charCodeAt(as) === 48) as++;
  while (bs < be && b.charCodeAt(bs) === 48) bs++;
  if (ae - as !== be - bs) return ae - as < be - bs ? -1 : 1;
  for (; as < ae; as++, bs++) {
    const d = a.charCodeAt(as) - b.charCodeAt(bs);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function allDigits(v: string, s: number, e: number): boolean {
  for (; s < e; s++) if (!isDigit(v.charCodeAt(s))) return false;
  return true;
}

/** SemVer 2.0.0 section 11 on two prereleases `a[as, ae)` and `b[bs, be)`, both present. */
function comparePrerelease(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  for (;;) {
    if (as >= ae || bs >= be) return as >= ae ? (bs >= be ? 0 : -1) : 1;
    let aEnd = as;
    while (aEnd < ae && a.charCodeAt(aEnd) !== 46) aEnd++;
    let bEnd = bs;
    while (bEnd < be && b.charCodeAt(bEnd) !== 46) bEnd++;
    const aNum = allDigits(a, as, aEnd);
    const bNum = allDigits(b, bs, bEnd);
    let r: number;
    if (aNum && bNum) r = compareDigits(a, as, aEnd, b, bs, bEnd);
    else if (aNum !== bNum) r = aNum ? -1 : 1;
    else r = compareAscii(a, as, aEnd, b, bs, bEnd);
    if (r !== 0) return r;
    as = aEnd + 1;
    bs = bEnd + 1;
    // A trailing identifier was consumed: step past the end so the length check above decides.
    if (aEnd >= ae) as = ae;
    if (bEnd >= be) bs = be;
  }
}

function compareAscii(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  for (; as < ae && bs < be; as++, bs++) {
    const d = a.charCodeAt(as) - b.charCodeAt(bs);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return as < ae ? 1 : bs < be ? -1 : 0;
}

/** Precedence of two scanned versions: `a` located in `out` at `ab`, `b` at `bb`. */
export function precedence(a: string, b: string, out: Int32Array, ab: number, bb: number): -1 | 0 | 1 {
  const at = (k: number): number => out[k] as number;
  for (let field = MAJOR; field <= PATCH; field += 2) {
    const r = compareDigits(a, at(ab + field), at(ab + field + 1), b, at(bb + field), at(bb + field + 1));
    if (r !== 0) return r < 0 ? -1 : 1;
  }
  const aPre = at(ab + PRE) < at(ab + PRE + 1);
  const bPre = at(bb + PRE) < at(bb + PRE + 1);
  // A prerelease sorts before its release.
  if (!aPre || !bPre) return aPre === bPre ? 0 : aPre ? -1 : 1;
  const r = comparePrerelease(a, at(ab + PRE), at(ab + PRE + 1), b, at(bb + PRE), at(bb + PRE + 1));
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}
