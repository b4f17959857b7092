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
