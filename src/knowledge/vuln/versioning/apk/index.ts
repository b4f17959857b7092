/**
 * Alpine package versions, `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}`,
 * ordered as apk-tools 3 orders them (src/version.c).
 *
 * apk-tools' comparison runs on any string: past the first malformed token it stops
 * looking, so `1.0bc` and `1.0bd` compare equal. `apk.compare` keeps to versions that
 * `apk version --check` accepts and throws on the rest; `compareApkTools` is the raw
 * comparison, for callers that must order malformed versions exactly as apk does.
 */
import { invalidVersion, type Comparison, type VersionScheme } from '../scheme.ts';

const NAME = 'apk';

// Token kinds in apk-tools' order; the order itself decides some comparisons.
const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;
const END = 7;
const INVALID = 8;

// Suffix ranks: pre-release suffixes sort below NONE (a plain release), the rest above.
const SUFFIX_ALPHA = 1;
const SUFFIX_BETA = 2;
const SUFFIX_PRE = 3;
const SUFFIX_RC = 4;
const SUFFIX_NONE = 5;
const SUFFIX_CVS = 6;
const SUFFIX_SVN = 7;
const SUFFIX_GIT = 8;
const SUFFIX_HG = 9;
const SUFFIX_P = 10;
const SUFFIXES: readonly (readonly [string, number])[] = [
  ['alpha', SUFFIX_ALPHA],
  ['beta', SUFFIX_BETA],
  ['pre', SUFFIX_PRE],
  ['rc', SUFFIX_RC],
  ['cvs', SUFFIX_CVS],
  ['svn', SUFFIX_SVN],
  ['git', SUFFIX_GIT],
  ['hg', SUFFIX_HG],
  ['p', SUFFIX_P],
];

/** The rank of the suffix word `v[start, end)`, or 0 when apk does not know it. */
function suffixRank(v: string, start: number, end: number): number {
  for (const [word, rank] of SUFFIXES) {
    if (word.length === end - start && v.startsWith(word, start)) return rank;
  }
  return 0;
}

/** A cursor over one version: the current token and where the next one starts. */
class Tokens {
  token = INITIAL_DIGIT;
  suffix = 0;
  start = 0;
  end = 0;
  pos = 0;
  v = '';

  reset(v: string): this {
    this.v = v;
    this.pos = 0;
    this.token = INITIAL_DIGIT;
    this.digits();
    return this;
  }

  private digits(): void {
    this.start = this.pos;
    while (this.pos < this.v.length && isDigit(this.v.charCodeAt(this.pos))) this.pos++;
    this.end = this.pos;
    if (this.end === this.start) this.token = INVALID;
  }

  next(): void {
    const v = this.v;
    if (this.pos >= v.length) {
      this.token = END;
      return;
    }
    const c = v.charCodeAt(this.pos);
    if (c >= 97 && c <= 122) {
      if (this.token > DIGIT) return this.invalid();
      this.start = this.pos;
      this.end = ++this.pos;
      this.token = LETTER;
    } else if (c === 46 /* . */ || isDigit(c)) {
      if (c === 46) {
        if (this.token > DIGIT) return this.invalid();
        this.pos++;
      }
      if (this.token === INITIAL_DIGIT || this.token === DIGIT) this.token = DIGIT;
      else if (this.token === SUFFIX) this.token = SUFFIX_NO;
      else return this.invalid();
      this.digits();
    } else if (c === 95 /* _ */) {
      if (this.token > SUFFIX_NO) return this.invalid();
      this.start = ++this.pos;
      while (this.pos < v.length && isLower(v.charCodeAt(this.pos))) this.pos++;
      this.end = this.pos;
      const rank = suffixRank(v, this.start, this.end);
      if (rank === 0) return this.invalid();
      this.suffix = rank;
      this.token = SUFFIX;
    } else if (c === 126 /* ~ */) {
      if (this.token >= COMMIT_HASH) return this.invalid();
      this.start = ++this.pos;
      while (this.pos < v.length && isHex(v.charCodeAt(this.pos))) this.pos++;
      this.end = this.pos;
      if (this.end === this.start) return this.invalid();
      this.token = COMMIT_HASH;
    } else if (c === 45 /* - */) {
      if (this.token >= REVISION_NO || v.charCodeAt(this.pos + 1) !== 114 /* r */) return this.invalid();
      this.pos += 2;
      this.token = REVISION_NO;
      this.digits();
    } else {
      this.invalid();
    }
  }

  private invalid(): void {
    this.token = INVALID;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102);
}

/** Byte order, then length: apk's `apk_blob_sort`. */
function blobSort(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const d = a.charCodeAt(as + k) - b.charCodeAt(bs + k);
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

/** Decimal digit runs by value, exactly, whatever their length. */
function numberSort(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  while (as < ae - 1 && a.charCodeAt(as) === 48) as++;
  while (bs < be - 1 && b.charCodeAt(bs) === 48) bs++;
  if (ae - as !== be - bs) return ae - as - (be - bs);
  return blobSort(a, as, ae, b, bs, be);
}

function tokenCmp(ta: Tokens, tb: Tokens): number {
  switch (ta.token) {
    case DIGIT:
      // A leading zero makes apk compare the digits as text (Gentoo's rule: 1.05 < 1.1).
      if (ta.v.charCodeAt(ta.start) === 48 || tb.v.charCodeAt(tb.start) === 48) {
        return blobSort(ta.v, ta.start, ta.end, tb.v, tb.start, tb.end);
      }
      return numberSort(ta.v, ta.start, ta.end, tb.v, tb.start, tb.end);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return numberSort(ta.v, ta.start, ta.end, tb.v, tb.start, tb.end);
    case LETTER:
      return ta.v.charCodeAt(ta.start) - tb.v.charCodeAt(tb.start);
    case SUFFIX:
      return ta.suffix - tb.suffix;
    default:
      return blobSort(ta.v, ta.start, ta.end, tb.v, tb.start, tb.end);
  }
}

const left = new Tokens();
const right = new Tokens();

/**
 * apk-tools' `apk_version_compare`, on any strings, malformed ones included. Two versions
 * that both turn malformed at the same token compare equal, as in apk.
 */
export function compareApkTools(a: string, b: string): Comparison {
  const ta = left.reset(a);
  const tb = right.reset(b);
  while (ta.token === tb.token && ta.token < END) {
    const r = tokenCmp(ta, tb);
    if (r !== 0) return r < 0 ? -1 : 1;
    ta.next();
    tb.next();
  }
  if (ta.token === tb.token) return 0;
  // Equal so far: the longer version is newer, unless what it has next is a pre-release suffix.
  if (ta.token === SUFFIX && ta.suffix < SUFFIX_NONE) return -1;
  if (tb.token === SUFFIX && tb.suffix < SUFFIX_NONE) return 1;
  if (ta.token > tb.token) return -1;
  if (tb.token > ta.token) return 1;
  return 0;
}

const probe = new Tokens();

/** apk-tools' `apk_version_validate`: what `apk version --check` accepts. */
function isValid(version: string): boolean {
  if (typeof version !== 'string') return false;
  const t = probe.reset(version);
  while (t.token < END) t.next();
  return t.token === END;
}

function compare(a: string, b: string): Comparison {
  if (!isValid(a)) throw invalidVersion(NAME, a);
  if (!isValid(b)) throw invalidVersion(NAME, b);
  return compareApkTools(a, b);
}

export const apk: VersionScheme = { name: NAME, isValid, compare };
