import type { Report } from './model.ts';

/**
 * Keys in the order a reader expects them (identity first, then what, where, why).
 * Names mean the same thing wherever they appear in the document, so one list orders
 * every object; keys not listed follow in code-point order. The output therefore
 * depends only on the report's content, never on the order code happened to build it.
 */
const KEY_ORDER = [
  'schemaVersion',
  'tool',
  'command',
  'target',
  'startedAt',
  'finishedAt',
  'durationMs',
  'config',
  'summary',
  'warnings',
  'errors',
  'notes',
  'checks',
  'findings',
  // subject, tool, target
  'kind',
  'id',
  'name',
  'version',
  'informationUri',
  'description',
  'endpoint',
  'engineVersion',
  'hostname',
  'containers',
  // finding / check
  'ruleId',
  'severity',
  'cis',
  'benchmark',
  'peers',
  'status',
  'title',
  'message',
  'subject',
  'location',
  'file',
  'line',
  'column',
  'path',
  'evidence',
  'subjects',
  'reason',
  'rationale',
  'remediation',
  'references',
  'cwe',
  'urls',
  'suppressed',
  'expires',
  // summary
  'bySeverity',
  'critical',
  'high',
  'medium',
  'low',
  'info',
  'total',
  'pass',
  'fail',
  'notApplicable',
  'error',
  'score',
] as const;

const RANK: ReadonlyMap<string, number> = new Map(KEY_ORDER.map((k, i) => [k, i]));

function compareKeys(a: string, b: string): number {
  const ra = RANK.get(a) ?? Infinity;
  const rb = RANK.get(b) ?? Infinity;
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface JsonOptions {
  /** Spaces per level; 2 by default. */
  indent?: number;
}

/** The report as one JSON document (docs/finding.schema.json), ending in a newline. */
export function renderJson(report: Report, opts: JsonOptions = {}): string {
  return JSON.stringify(normalize(report, new Set()), null, opts.indent ?? 2) + '\n';
}

/**
 * The same document as `renderJson`, byte for byte, in pieces of about `chunk` characters: a
 * lint of 10,000 files has ~85,000 findings, whose one string (70 MB) and ordered copy would
 * be the run's peak memory. Each finding is copied and written on its own, so what is held at
 * once is a piece, whatever the number of findings.
 */
export function* renderJsonChunks(report: Report, opts: JsonOptions & { chunk?: number } = {}): Generator<string> {
  // JSON.stringify's own bounds for a number of spaces.
  const indent = Math.min(10, Math.max(0, Math.floor(opts.indent ?? 2)));
  const chunk = opts.chunk ?? 65536;
  if (indent <= 0) {
    yield renderJson(report, opts);
    return;
  }
  const w = new IndentedWriter(indent);
  let buf = '{';
  let first = true;
  const seen = new Set<object>([report]);
  for (const key of orderedKeys(report)) {
    const value = (report as unknown as Record<string, unknown>)[key];
    if (key === 'findings' && Array.isArray(value)) {
      buf += `${first ? '' : ','}\n${w.pad(1)}${JSON.stringify(key)}: `;
      first = false;
      if (value.length === 0) {
        buf += '[]';
        continue;
      }
      buf += '[';
      seen.add(value);
      for (let i = 0; i < value.length; i++) {
        buf += `${i ? ',' : ''}\n${w.pad(2)}${w.write(value[i], 2, seen) ?? 'null'}`;
        if (buf.length >= chunk) {
          yield buf;
          buf = '';
        }
      }
      seen.delete(value);
      buf += `\n${w.pad(1)}]`;
      continue;
    }
    const text = w.write(value, 1, seen);
    if (text === undefined) continue;
    buf += `${first ? '' : ','}\n${w.pad(1)}${JSON.stringify(key)}: ${text}`;
    first = false;
  }
  yield buf + (first ? '}' : '\n}') + '\n';
}

/**
 * The text `JSON.stringify(normalize(value), null, indent)` gives, placed at `depth`, written
 * in one walk: copying each finding into an ordered object and then stringifying and
 * re-indenting it cost a tenth of a `moat lint` of 2,000 files. The key order of an object
 * depends only on its set of keys, so it is sorted once per shape (findings share a few).
 * `renderJson` stays the reference: the pieces test holds the two to the same bytes.
 */
class IndentedWriter {
  readonly #indent: number;
  readonly #pads: string[] = [];
  readonly #shapes: { keys: string[]; order: string[] }[] = [];
  /** By depth: the text before each key's value, when it is an object's first key and when it is not. */
  readonly #fields: { first: Map<string, string>; next: Map<string, string> }[] = [];
  /** By key name: the last string written there and its JSON (findings in a row share titles, rules, files). */
  readonly #last = new Map<string, { value: string; json: string }>();

  constructor(indent: number) {
    this.#indent = indent;
  }

  pad(depth: number): string {
    return (this.#pads[depth] ??= ' '.repeat(this.#indent * depth));
  }

  /** Undefined where `normalize` gives undefined (a function, a symbol): left out of objects, null in arrays. */
  write(value: unknown, depth: number, seen: Set<object>): string | undefined {
    if (value === null) return 'null';
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        return Number.isFinite(value) ? JSON.stringify(value) : 'null';
      case 'bigint':
        return JSON.stringify(value.toString());
      case 'object':
        break;
      default:
        return undefined;
    }
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString());
    if (seen.has(value)) throw new TypeError('report contains a circular reference and cannot be written as JSON');
    seen.add(value);
    try {
      if (Array.isArray(value) || value instanceof Set) {
        const items = Array.isArray(value) ? (value as unknown[]) : [...value];
        if (items.length === 0) return '[]';
        const inner = `\n${this.pad(depth + 1)}`;
        let out = '[';
        for (let i = 0; i < items.length; i++) out += `${i ? ',' : ''}${inner}${this.write(items[i], depth + 1, seen) ?? 'null'}`;
        return `${out}\n${this.pad(depth)}]`;
      }
      let entries: Record<string, unknown>;
      let keys: readonly string[];
      if (value instanceof Map) {
        entries = Object.create(null) as Record<string, unknown>;
        for (const [k, v] of value) entries[String(k)] = v;
        keys = stringifyOrder(Object.keys(entries).sort(compareKeys));
      } else {
        entries = value as Record<string, unknown>;
        keys = this.#ordered(value);
      }
      // Each member adds two strings to the object's text (its key's prefix, its value): the
      // strings a report's JSON is joined from were most of what writing it allocated.
      let fields = this.#fields[depth + 1];
      if (!fields) this.#fields[depth + 1] = fields = { first: new Map(), next: new Map() };
      let out = '';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        const v = entries[k];
        let text: string | undefined;
        if (typeof v === 'string') {
          const last = this.#last.get(k);
          if (last === undefined) {
            text = JSON.stringify(v);
            if (this.#last.size < 1024) this.#last.set(k, { value: v, json: text });
          } else if (last.value === v) text = last.json;
          else {
            text = JSON.stringify(v);
            last.value = v;
            last.json = text;
          }
        } else {
          text = this.write(v, depth + 1, seen);
          if (text === undefined) continue;
        }
        out = out === '' ? this.#field(fields.first, '{', depth + 1, k) + text : out + (this.#field(fields.next, ',', depth + 1, k) + text);
      }
      return out ? `${out}\n${this.pad(depth)}}` : '{}';
    } finally {
      seen.delete(value);
    }
  }

  /** `,\n    "name": `, made once per opening, depth and key name (a report has a few dozen names and millions of keys). */
  #field(cache: Map<string, string>, open: string, depth: number, k: string): string {
    let text = cache.get(k);
    if (text === undefined) {
      text = `${open}\n${this.pad(depth)}${JSON.stringify(k)}: `;
      if (cache.size < 1024) cache.set(k, text);
    }
    return text;
  }

  #ordered(value: object): readonly string[] {
    const keys = Object.keys(value);
    // Compared key by key with the shapes seen so far (a report has a few dozen): cheaper than
    // making a string of the keys to look up for each of millions of objects.
    for (let s = 0; s < this.#shapes.length; s++) {
      const shape = this.#shapes[s] as { keys: string[]; order: string[] };
      if (shape.keys.length !== keys.length) continue;
      let same = true;
      for (let i = 0; i < keys.length; i++) {
        if (shape.keys[i] !== keys[i]) {
          same = false;
          break;
        }
      }
      if (same) return shape.order;
    }
    const order = stringifyOrder([...keys].sort(compareKeys));
    // Bounded: a report of odd objects must not make the list long.
    if (this.#shapes.length < 64) this.#shapes.push({ keys, order });
    return order;
  }
}

/**
 * The order JSON.stringify lists the keys of an object built in `sorted` order: keys that are
 * array indices (`"0"`, `"12"`) first, in numeric order, as every JavaScript object does.
 */
function stringifyOrder(sorted: string[]): string[] {
  const indices = sorted.filter((k) => /^(?:0|[1-9][0-9]*)$/.test(k) && Number(k) < 4294967295);
  if (indices.length === 0) return sorted;
  const rest = sorted.filter((k) => !indices.includes(k));
  return [...indices.sort((a, b) => Number(a) - Number(b)), ...rest];
}

function orderedKeys(value: object): string[] {
  return Object.keys(value).sort(compareKeys);
}

/**
 * Copies `value` into plain JSON data with ordered keys. A Report holds only plain data,
 * but a Map, Set, Date or bigint that slipped in must not silently become `{}` or throw
 * deep inside JSON.stringify.
 */
function normalize(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined; // functions, symbols, undefined: JSON has no such value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (seen.has(value)) throw new TypeError('report contains a circular reference and cannot be written as JSON');
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => normalize(v, seen) ?? null);
    if (value instanceof Set) return [...value].map((v) => normalize(v, seen) ?? null);
    const entries: [string, unknown][] = value instanceof Map ? [...value].map(([k, v]) => [String(k), v]) : Object.entries(value);
    // No prototype: a key named `__proto__` is then data, not a prototype change.
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of entries.sort(([a], [b]) => compareKeys(a, b))) {
      const n = normalize(v, seen);
      if (n !== undefined) out[k] = n;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
