/**
 * Decodes JSON the way Go's encoding/json decodes it into dockerd's structs, because an
 * authorization plugin that reads a create request differently from the daemon can be
 * walked past. Verified against dockerd 20.10 (go-json.test.ts, and the real-engine cases
 * in request.test.ts):
 * - keys match struct fields exactly, else case-insensitively with Go's folding
 *   (`hostconfig`, `PRIVILEGED`, `Bindſ` with U+017F, the Kelvin sign for K);
 * - a repeated key is decoded again INTO the value already there: structs and maps merge,
 *   slices reuse their elements (and, past their length, what their capacity still holds:
 *   golang/go#21092), scalars are replaced;
 * - `null` empties pointers, maps and slices but leaves booleans, numbers, strings and
 *   structs as they were;
 * - a value of the wrong JSON type, a non-integer for an integer field, comments,
 *   trailing commas, or anything after the document is an error (the plugin fails closed).
 * Types are described once (`GoType`) and each decoded struct remembers the JSON path of
 * every field it set, as written in the request.
 */
import { parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';

export type GoType =
  | { k: 'bool' }
  | { k: 'int'; unsigned?: boolean }
  | { k: 'string' }
  | { k: 'strslice' }
  | { k: 'slice'; of: GoType }
  | { k: 'map'; of: GoType }
  | { k: 'ptr'; of: GoType }
  | { k: 'struct'; fields: Record<string, GoType>; folded?: Map<string, string>; own?: Map<string, GoType> }
  | { k: 'skip' };

export const go = {
  bool: { k: 'bool' } as GoType,
  int: { k: 'int' } as GoType,
  uint: { k: 'int', unsigned: true } as GoType,
  string: { k: 'string' } as GoType,
  strslice: { k: 'strslice' } as GoType,
  skip: { k: 'skip' } as GoType,
  slice: (of: GoType): GoType => ({ k: 'slice', of }),
  map: (of: GoType): GoType => ({ k: 'map', of }),
  ptr: (of: GoType): GoType => ({ k: 'ptr', of }),
  struct: (fields: Record<string, GoType>): GoType => ({ k: 'struct', fields }),
};

/** A decoded Go struct: its fields by their Go JSON names, and where each was last set. */
export interface GoStruct {
  fields: Map<string, unknown>;
  paths: Map<string, string>;
  /** Keys that matched a field only case-insensitively, or appeared more than once. */
  oddities: string[];
}

/** A decoded slice keeps its backing store so a later duplicate key can reuse it as Go does. */
export interface GoSlice {
  items: unknown[];
  cap: number;
  store: unknown[];
}

export class GoJsonError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'GoJsonError';
    this.path = path;
  }
}

/** Go's encoding/json field-name folding (Go 1.21+; older versions fold a subset of it). */
export function foldName(name: string): string {
  let out = '';
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out += c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 32) : ch;
    else {
      // unicode.ToUpper(unicode.ToLower(r)): simple (one-to-one) mappings only, so keep the
      // rune where JavaScript's full mapping would change its length (ß → SS).
      const lower = ch.toLowerCase();
      const l = [...lower].length === 1 ? lower : ch;
      const upper = l.toUpperCase();
      out += [...upper].length === 1 ? upper : l;
    }
  }
  return out;
}

/**
 * The struct's fields by exact name. A key sliced from the request's text is a new string each
 * time: a Map finds it by its hash, where a property lookup on `fields` first interns it (that
 * lookup was a fifth of a create body's decoding).
 */
function ownFields(t: Extract<GoType, { k: 'struct' }>): Map<string, GoType> {
  t.own ??= new Map(Object.entries(t.fields));
  return t.own;
}

function foldedFields(t: Extract<GoType, { k: 'struct' }>): Map<string, string> {
  t.folded ??= new Map(Object.keys(t.fields).map((f) => [foldName(f), f]));
  return t.folded;
}

const MAX_DEPTH = 10000;
const INTEGER = /^-?(0|[1-9]\d*)$/;

/** Parses `text` strictly (RFC 8259, one document) and decodes it as `t`. */
export function decodeGoJson(text: string, t: GoType, root = ''): unknown {
  if (text.trim() === '') throw new GoJsonError(root, 'the body is empty (the daemon forwards no body to plugins past 1 MiB: such a request cannot be checked)');
  checkDepth(text);
  // The enforce plugin decodes a create body per request: a lean tree read straight from the text, built only
  // when the text is plain RFC 8259 JSON. Anything else (an error, or what jsonc-parser alone accepts, such as
  // a no-break space between tokens) takes jsonc-parser's path below, so errors and edge cases read as before.
  let lean: Lean | undefined;
  try {
    lean = leanParse(text);
  } catch {
    lean = undefined;
  }
  if (lean) return decode(t, lean, undefined, root, text);
  return decodeGoJsonReference(text, t, root);
}

/** The same decoding through jsonc-parser's tree: the fallback, and the reference the lean parser is tested against. */
export function decodeGoJsonReference(text: string, t: GoType, root = ''): unknown {
  if (text.trim() === '') throw new GoJsonError(root, 'the body is empty (the daemon forwards no body to plugins past 1 MiB: such a request cannot be checked)');
  checkDepth(text);
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length || !tree) {
    const e = errors[0];
    throw new GoJsonError(root, `invalid JSON at offset ${e?.offset ?? 0}: ${e ? parseErrorName(e.error) : 'no document'}`);
  }
  if (tree.offset + tree.length < text.trimEnd().length) throw new GoJsonError(root, `unexpected content after the JSON document at offset ${tree.offset + tree.length}`);
  return decode(t, toLean(tree), undefined, root, text);
}

/**
 * A JSON value as `decode` reads it: objects keep every key in order, repeats included.
 * `offset`/`length` locate numbers in the text (their raw digits decide Go's integer rules).
 */
interface Lean {
  type: 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';
  value: unknown;
  offset: number;
  length: number;
  /** Array items, or object values (their keys in `keys`). */
  children: Lean[] | undefined;
  keys: string[] | undefined;
}

function toLean(n: JsonNode): Lean {
  if (n.type === 'array') return { type: 'array', value: undefined, offset: n.offset, length: n.length, children: (n.children ?? []).map(toLean), keys: undefined };
  if (n.type === 'object') {
    const keys: string[] = [];
    const children: Lean[] = [];
    for (const prop of n.children ?? []) {
      const [k, v] = prop.children ?? [];
      if (!k || !v) continue;
      keys.push(k.value as string);
      children.push(toLean(v));
    }
    return { type: 'object', value: undefined, offset: n.offset, length: n.length, children, keys };
  }
  return { type: n.type === 'property' ? 'null' : n.type, value: n.value, offset: n.offset, length: n.length, children: undefined, keys: undefined };
}

/** Thrown inside the lean parser when the text is not plain JSON: the caller takes jsonc-parser's path. */
const NOT_PLAIN = new Error('not plain JSON');
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Strict RFC 8259 (one value, whitespace only around it) into a Lean tree; throws NOT_PLAIN on anything else. */
function leanParse(text: string): Lean {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  const str = (): string => {
    // At the opening quote. Plain strings are sliced; escapes are read by JSON.parse (the same unescaping).
    const start = i++;
    let escaped = false;
    for (;;) {
      if (i >= n) throw NOT_PLAIN;
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) throw NOT_PLAIN;
      if (c === 0x5c) {
        escaped = true;
        i += 2;
        continue;
      }
      i++;
    }
    i++;
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };
  const value = (): Lean => {
    ws();
    const start = i;
    const c = text.charCodeAt(i);
    if (c === 0x7b) {
      i++;
      const keys: string[] = [];
      const children: Lean[] = [];
      ws();
      if (text.charCodeAt(i) === 0x7d) i++;
      else {
        for (;;) {
          ws();
          if (text.charCodeAt(i) !== 0x22) throw NOT_PLAIN;
          keys.push(str());
          ws();
          if (text.charCodeAt(i) !== 0x3a) throw NOT_PLAIN;
          i++;
          children.push(value());
          ws();
          const d = text.charCodeAt(i++);
          if (d === 0x7d) break;
          if (d !== 0x2c) throw NOT_PLAIN;
        }
      }
      return { type: 'object', value: undefined, offset: start, length: i - start, children, keys };
    }
    if (c === 0x5b) {
      i++;
      const children: Lean[] = [];
      ws();
      if (text.charCodeAt(i) === 0x5d) i++;
      else {
        for (;;) {
          children.push(value());
          ws();
          const d = text.charCodeAt(i++);
          if (d === 0x5d) break;
          if (d !== 0x2c) throw NOT_PLAIN;
        }
      }
      return { type: 'array', value: undefined, offset: start, length: i - start, children, keys: undefined };
    }
    if (c === 0x22) {
      const v = str();
      return { type: 'string', value: v, offset: start, length: i - start, children: undefined, keys: undefined };
    }
    if (text.startsWith('true', i)) {
      i += 4;
      return { type: 'boolean', value: true, offset: start, length: 4, children: undefined, keys: undefined };
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return { type: 'boolean', value: false, offset: start, length: 5, children: undefined, keys: undefined };
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return { type: 'null', value: null, offset: start, length: 4, children: undefined, keys: undefined };
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) throw NOT_PLAIN;
    i += m[0].length;
    // A number runs into a letter or digit jsonc-parser would read as part of it ("1x", "01"): not plain.
    const after = text.charCodeAt(i);
    if ((after >= 0x30 && after <= 0x39) || (after >= 0x41 && after <= 0x5a) || (after >= 0x61 && after <= 0x7a) || after === 0x2e || after === 0x2b || after === 0x2d) throw NOT_PLAIN;
    return { type: 'number', value: Number(m[0]), offset: start, length: i - start, children: undefined, keys: undefined };
  };
  const root = value();
  ws();
  if (i !== n) throw NOT_PLAIN;
  // A keyword glued to what follows ("truex") was caught above by i !== n or by the separator checks.
  return root;
}

/** Nesting is counted before parsing, so a hostile body cannot exhaust the parser's stack. */
function checkDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) throw new GoJsonError('', `the JSON nests deeper than ${MAX_DEPTH} levels (Go's limit)`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

const PARSE_ERRORS = [
  '', 'invalid symbol', 'invalid number format', 'property name expected', 'value expected', 'colon expected', 'comma expected',
  'closing brace expected', 'closing bracket expected', 'end of file expected', 'invalid comment token', 'unexpected end of comment',
  'unexpected end of string', 'unexpected end of number', 'invalid unicode', 'invalid escape character', 'invalid character',
];

function parseErrorName(code: number): string {
  return PARSE_ERRORS[code] ?? `error ${code}`;
}

function jsonType(n: Lean): string {
  return n.type === 'boolean' ? 'a boolean' : n.type === 'null' ? 'null' : `a${n.type === 'array' || n.type === 'object' ? 'n' : ''} ${n.type}`;
}

function join(path: string, key: string): string {
  return path === '' ? key : isPlainKey(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** `^[A-Za-z_][\w-]*$`, by character: asked of every key decoded. */
export function isPlainKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    if (!letter && (i === 0 || !((c >= 0x30 && c <= 0x39) || c === 0x2d))) return false;
  }
  return true;
}

function decode(t: GoType, n: Lean, current: unknown, path: string, text: string): unknown {
  const isNull = n.type === 'null';
  switch (t.k) {
    case 'skip':
      return current;
    case 'bool':
      if (isNull) return current;
      if (n.type !== 'boolean') throw new GoJsonError(path, `expected a boolean, found ${jsonType(n)}`);
      return n.value as boolean;
    case 'string':
      if (isNull) return current;
      if (n.type !== 'string') throw new GoJsonError(path, `expected a string, found ${jsonType(n)}`);
      return n.value as string;
    case 'int': {
      if (isNull) return current;
      const raw = n.type === 'number' ? text.slice(n.offset, n.offset + n.length) : '';
      if (!INTEGER.test(raw)) throw new GoJsonError(path, n.type === 'number' ? `expected an integer, found ${raw}` : `expected an integer, found ${jsonType(n)}`);
      if (t.unsigned && raw.startsWith('-')) throw new GoJsonError(path, `expected a non-negative integer, found ${raw}`);
      // Up to 15 digits is below 2^53: exact as a double, and far inside int64 (-0 is Go's 0).
      if (raw.length <= 15) return Number(raw) || 0;
      const big = BigInt(raw);
      if (big > 9223372036854775807n || big < -9223372036854775808n) throw new GoJsonError(path, `${raw} does not fit a 64-bit integer`);
      return Number(big);
    }
    case 'strslice': {
      // strslice.StrSlice: a string or an array of strings, decoded afresh.
      if (isNull) return undefined;
      if (n.type === 'string') return [n.value as string];
      if (n.type !== 'array') throw new GoJsonError(path, `expected a string or an array of strings, found ${jsonType(n)}`);
      return (n.children ?? []).map((c, i) => {
        if (c.type === 'null') return '';
        if (c.type !== 'string') throw new GoJsonError(`${path}[${i}]`, `expected a string, found ${jsonType(c)}`);
        return c.value as string;
      });
    }
    case 'ptr':
      if (isNull) return undefined;
      return decode(t.of, n, current, path, text);
    case 'map': {
      if (isNull) return undefined;
      if (n.type !== 'object') throw new GoJsonError(path, `expected an object, found ${jsonType(n)}`);
      const m = (current as Map<string, unknown> | undefined) ?? new Map<string, unknown>();
      const keys = n.keys ?? [];
      const values = n.children ?? [];
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        // Go decodes each map value into a fresh zero value: entries replace, never merge.
        m.set(key, decode(t.of, values[i] as Lean, undefined, join(path, key), text));
      }
      return m;
    }
    case 'slice': {
      if (isNull) return undefined;
      if (n.type !== 'array') throw new GoJsonError(path, `expected an array, found ${jsonType(n)}`);
      const items = n.children ?? [];
      if (items.length === 0) return { items: [], cap: 0, store: [] } satisfies GoSlice;
      const prev = current as GoSlice | undefined;
      let cap = prev?.cap ?? 0;
      let store = prev ? prev.store : [];
      let len = prev?.items.length ?? 0;
      for (let i = 0; i < items.length; i++) {
        const c = items[i] as Lean;
        if (i >= cap) {
          // reflect grows to cap + cap/2 (at least 4) and copies only the first len elements.
          cap = Math.max(4, cap + Math.floor(cap / 2));
          store = store.slice(0, len);
        }
        if (i >= len) len = i + 1;
        store[i] = decode(t.of, c, store[i], `${path}[${i}]`, text);
      }
      const out: GoSlice = { items: store.slice(0, items.length), cap, store };
      return out;
    }
    case 'struct': {
      if (isNull) return current;
      if (n.type !== 'object') throw new GoJsonError(path, `expected an object, found ${jsonType(n)}`);
      const s: GoStruct = (current as GoStruct | undefined) ?? { fields: new Map<string, unknown>(), paths: new Map<string, string>(), oddities: [] };
      const own = ownFields(t);
      const folded = foldedFields(t);
      const keys = n.keys ?? [];
      const values = n.children ?? [];
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const v = values[i] as Lean;
        const field = own.has(key) ? key : folded.get(foldName(key));
        if (field === undefined) continue;
        const ft = own.get(field) as GoType;
        const at = join(path, key);
        if (field !== key) s.oddities.push(`${at} is read as ${field} (the daemon matches keys case-insensitively)`);
        if (s.paths.has(field)) s.oddities.push(`${at} repeats ${s.paths.get(field)} (the daemon decodes the second into the first)`);
        s.fields.set(field, decode(ft, v, s.fields.get(field), at, text));
        if (ft.k !== 'skip') s.paths.set(field, at);
      }
      return s;
    }
  }
}

/** Accessors for decoded values, so the door reads `GoStruct`s without casts everywhere. */
export function field<T = unknown>(s: GoStruct | undefined, name: string): T | undefined {
  return s?.fields.get(name) as T | undefined;
}

export function sliceItems<T>(v: unknown): T[] {
  return ((v as GoSlice | undefined)?.items ?? []) as T[];
}
