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
  const pad = (depth: number): string => ' '.repeat(indent * depth);
  // JSON.stringify writes a newline inside a string as \n: every raw newline is indentation, so
  // a value stringified alone is placed deeper by padding each of its lines.
  const nested = (v: unknown, depth: number): string => {
    const text = JSON.stringify(v, null, indent);
    return indent > 0 && depth > 0 ? text.replaceAll('\n', '\n' + pad(depth)) : text;
  };
  if (indent <= 0) {
    yield renderJson(report, opts);
    return;
  }
  let buf = '{';
  let first = true;
  const entries = Object.entries(report).sort(([a], [b]) => compareKeys(a, b));
  for (const [key, value] of entries) {
    if (key === 'findings' && Array.isArray(value)) {
      buf += `${first ? '' : ','}\n${pad(1)}${JSON.stringify(key)}: `;
      first = false;
      if (value.length === 0) {
        buf += '[]';
        continue;
      }
      buf += '[';
      for (let i = 0; i < value.length; i++) {
        buf += `${i ? ',' : ''}\n${pad(2)}${nested(normalize(value[i], new Set([report, value])) ?? null, 2)}`;
        if (buf.length >= chunk) {
          yield buf;
          buf = '';
        }
      }
      buf += `\n${pad(1)}]`;
      continue;
    }
    const n = normalize(value, new Set([report]));
    if (n === undefined) continue;
    buf += `${first ? '' : ','}\n${pad(1)}${JSON.stringify(key)}: ${nested(n, 1)}`;
    first = false;
  }
  yield buf + (first ? '}' : '\n}') + '\n';
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
