/**
 * Maven artifact versions, ordered as Maven's `ComparableVersion` orders them (the
 * algorithm of maven-artifact 3.x, which Maven Central advisories are written against):
 *
 * - `.` and `-` separate items, and so does a change between digits and letters
 *   (`1.0alpha1` is `[1, 0, alpha, [1]]`); a `-` (or a letter/digit change) opens a
 *   sub-list, which sorts below a `.` item;
 * - numbers compare by value; qualifiers in the order alpha < beta < milestone < rc <
 *   snapshot < "" (release, also `ga` and `final`) < sp, then unknown ones by text;
 *   `a1`, `b1`, `m1` mean alpha-1, beta-1, milestone-1; `cr` is `rc`;
 * - trailing "null" items (0, the release qualifier, empty lists) are dropped, so
 *   `1`, `1.0`, `1-0` and `1.0.0-ga` are equal; comparison ignores case.
 *
 * Maven orders any string; Moat refuses only the empty string, whitespace and control
 * characters, which no published version contains.
 */
import { invalidVersion, type Comparison, type VersionScheme } from '../scheme.ts';

const NAME = 'maven';
const MAX_LENGTH = 256;

type Item = bigint | string | Item[];

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', cr: 'rc' };
const RELEASE = String(QUALIFIERS.indexOf(''));

function qualifier(text: string, followedByDigit: boolean): string {
  let value = text;
  if (followedByDigit && value.length === 1) {
    if (value === 'a') value = 'alpha';
    else if (value === 'b') value = 'beta';
    else if (value === 'm') value = 'milestone';
  }
  return ALIASES[value] ?? value;
}

/** The comparable form of a qualifier: its rank for known ones, `7-text` for unknown ones. */
function rank(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function isNull(item: Item): boolean {
  if (typeof item === 'bigint') return item === 0n;
  if (typeof item === 'string') return rank(item) === RELEASE;
  return item.length === 0;
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i] as Item;
    if (isNull(last)) list.splice(i, 1);
    else if (!Array.isArray(last)) break;
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function parseItem(digits: boolean, text: string): Item {
  return digits ? BigInt(text) : qualifier(text, false);
}

function parseVersion(version: string): Item[] {
  const v = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  let digits = false;
  let start = 0;
  const open = (): void => {
    const next: Item[] = [];
    list.push(next);
    list = next;
    stack.push(next);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i] as string;
    if (c === '.' || c === '-') {
      list.push(i === start ? 0n : parseItem(digits, v.slice(start, i)));
      start = i + 1;
      if (c === '-') open();
    } else if (isDigit(c)) {
      if (!digits && i > start) {
        list.push(qualifier(v.slice(start, i), true));
        start = i;
        open();
      }
      digits = true;
    } else {
      if (digits && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        open();
      }
      digits = false;
    }
  }
  if (v.length > start) list.push(parseItem(digits, v.slice(start)));
  for (let i = stack.length - 1; i >= 0; i--) normalize(stack[i] as Item[]);
  return root;
}

/** ComparableVersion's `Item.compareTo`, `b` undefined meaning "nothing there". */
function compareItems(a: Item, b: Item | undefined): number {
  if (typeof a === 'bigint') {
    if (b === undefined) return a === 0n ? 0 : 1;
    if (typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    return 1; // 1.1 > 1-sp and 1.1 > 1-1
  }
  if (typeof a === 'string') {
    if (b === undefined) return compareText(rank(a), RELEASE); // 1-rc < 1, 1-sp > 1
    if (typeof b === 'string') return compareText(rank(a), rank(b));
    return -1; // 1.any < 1.1 and 1.any < 1-1
  }
  if (b === undefined) return a.length === 0 ? 0 : compareItems(a[0] as Item, undefined);
  if (typeof b === 'bigint') return -1; // 1-1 < 1.0.x
  if (typeof b === 'string') return 1; // 1-1 > 1-sp
  for (let i = 0; i < a.length || i < b.length; i++) {
    const l = a[i];
    const r = b[i];
    const result = l === undefined ? (r === undefined ? 0 : -compareItems(r, undefined)) : compareItems(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const UNPRINTABLE = /[\s\p{Cc}]/u;

function isValid(version: string): boolean {
  return typeof version === 'string' && version.length > 0 && version.length <= MAX_LENGTH && !UNPRINTABLE.test(version);
}

// Parsed once per version: matching compares one installed version with many events.
const cache = new Map<string, Item[]>();

function parsed(version: string): Item[] {
  let items = cache.get(version);
  if (items === undefined) {
    items = parseVersion(version);
    if (cache.size >= 100_000) cache.clear();
    cache.set(version, items);
  }
  return items;
}

function compare(a: string, b: string): Comparison {
  if (!isValid(a)) throw invalidVersion(NAME, a);
  if (!isValid(b)) throw invalidVersion(NAME, b);
  const r = compareItems(parsed(a), parsed(b));
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

export const maven: VersionScheme = { name: NAME, isValid, compare };
