/**
 * RPM versions, `[epoch:]version[-release]`, ordered as rpm 4.18+ orders them: the
 * string is split as rpm's `parseEVR` splits it, and the parts are compared as
 * `rpmverCmp` does (a missing epoch is 0; a missing release sorts below any release),
 * each part with `rpmvercmp` (`~` sorts before everything, `^` after the base version
 * but before anything else appended to it).
 */
import { invalidVersion, type Comparison, type VersionScheme } from '../scheme.ts';

const NAME = 'rpm';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isAlnum(c: number): boolean {
  return isDigit(c) || isAlpha(c);
}

const TILDE = 126;
const CARET = 94;

/** rpm's `rpmvercmp` over `a[i, ie)` and `b[j, je)`. */
function vercmp(a: string, i: number, ie: number, b: string, j: number, je: number): Comparison {
  if (sameText(a, i, ie, b, j, je)) return 0;

  while (i < ie || j < je) {
    while (i < ie && !isAlnum(a.charCodeAt(i)) && a.charCodeAt(i) !== TILDE && a.charCodeAt(i) !== CARET) i++;
    while (j < je && !isAlnum(b.charCodeAt(j)) && b.charCodeAt(j) !== TILDE && b.charCodeAt(j) !== CARET) j++;
    const ca = i < ie ? a.charCodeAt(i) : 0;
    const cb = j < je ? b.charCodeAt(j) : 0;

    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    // Like `~`, except that the base version (the side that ended) sorts lower.
    if (ca === CARET || cb === CARET) {
      if (i >= ie) return -1;
      if (j >= je) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (i >= ie || j >= je) break;

    const numeric = isDigit(ca);
    let ae = i;
    let be = j;
    if (numeric) {
      while (ae < ie && isDigit(a.charCodeAt(ae))) ae++;
      while (be < je && isDigit(b.charCodeAt(be))) be++;
    } else {
      while (ae < ie && isAlpha(a.charCodeAt(ae))) ae++;
      while (be < je && isAlpha(b.charCodeAt(be))) be++;
    }
    // A number against letters: the number is newer.
    if (be === j) return numeric ? 1 : -1;

    let ai = i;
    let bi = j;
    if (numeric) {
      while (ai < ae && a.charCodeAt(ai) === 48) ai++;
      while (bi < be && b.charCodeAt(bi) === 48) bi++;
      if (ae - ai !== be - bi) return ae - ai > be - bi ? 1 : -1;
    }
    while (ai < ae && bi < be) {
      const d = a.charCodeAt(ai) - b.charCodeAt(bi);
      if (d !== 0) return d < 0 ? -1 : 1;
      ai++;
      bi++;
    }
    if (ai < ae) return 1;
    if (bi < be) return -1;
    i = ae;
    j = be;
  }
  if (i >= ie && j >= je) return 0;
  return i >= ie ? -1 : 1;
}

function sameText(a: string, i: number, ie: number, b: string, j: number, je: number): boolean {
  if (ie - i !== je - j) return false;
  for (; i < ie; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}

/** `rpmvercmp` on two whole strings, as rpm's own test vectors exercise it. */
export function rpmvercmp(a: string, b: string): Comparison {
  return vercmp(a, 0, a.length, b, 0, b.length);
}

// Parts of the last two versions located, as [epochStart, epochEnd, vStart, vEnd, rStart, rEnd];
// an absent epoch or release has start -1.
const parts = new Int32Array(12);

/** rpm's `parseEVR`, into `parts` at `base`; returns why the version is refused, or undefined. */
function locate(v: string, base: number): string | undefined {
  if (v.length === 0) return 'empty';
  for (let k = 0; k < v.length; k++) {
    const c = v.charCodeAt(k);
    if (c <= 0x20 || c === 0x7f) return 'whitespace or control character';
  }
  let s = 0;
  while (s < v.length && isDigit(v.charCodeAt(s))) s++;
  const hyphen = v.lastIndexOf('-');
  let vStart = 0;
  if (v.charCodeAt(s) === 58 /* : */) {
    parts[base] = 0;
    parts[base + 1] = s;
    vStart = s + 1;
  } else {
    parts[base] = -1;
    parts[base + 1] = -1;
  }
  let vEnd = v.length;
  if (hyphen >= vStart) {
    if (hyphen === v.length - 1) return 'empty release';
    vEnd = hyphen;
    parts[base + 4] = hyphen + 1;
    parts[base + 5] = v.length;
  } else {
    parts[base + 4] = -1;
    parts[base + 5] = -1;
  }
  if (vEnd === vStart) return 'empty version';
  parts[base + 2] = vStart;
  parts[base + 3] = vEnd;
  return undefined;
}

function compare(a: string, b: string): Comparison {
  const errA = locate(a, 0);
  if (errA !== undefined) throw invalidVersion(NAME, a, errA);
  const errB = locate(b, 6);
  if (errB !== undefined) throw invalidVersion(NAME, b, errB);

  const at = (k: number): number => parts[k] as number;
  const [aes, aee, avs, ave, ars, are] = [at(0), at(1), at(2), at(3), at(4), at(5)];
  const [bes, bee, bvs, bve, brs, bre] = [at(6), at(7), at(8), at(9), at(10), at(11)];
  // Epoch: absent and empty both read as "0", compared with rpmvercmp like every part.
  const epoch =
    aes < 0 || aee === aes
      ? bes < 0 || bee === bes
        ? 0
        : vercmp('0', 0, 1, b, bes, bee)
      : bes < 0 || bee === bes
        ? vercmp(a, aes, aee, '0', 0, 1)
        : vercmp(a, aes, aee, b, bes, bee);
  if (epoch !== 0) return epoch;
  const version = vercmp(a, avs, ave, b, bvs, bve);
  if (version !== 0) return version;
  if (ars < 0 || brs < 0) return ars < 0 ? (brs < 0 ? 0 : -1) : 1;
  return vercmp(a, ars, are, b, brs, bre);
}

function isValid(version: string): boolean {
  return typeof version === 'string' && locate(version, 0) === undefined;
}

export const rpm: VersionScheme = { name: NAME, isValid, compare };
