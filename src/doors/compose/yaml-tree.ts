/**
 * A compose file as a tree of located values: YAML parsed by eemeli `yaml` (positions from
 * a LineCounter, duplicate keys rejected), anchors and merge keys (`<<: *x`) resolved,
 * every string interpolated, and every value remembering file:line:col and the directory
 * its relative paths are relative to (which `extends` and `include` need).
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { Location } from '../../models/location.ts';
import { MoatError, locatedMessage } from '../../util/errors.ts';
import type { DoorWarning } from '../common/spec.ts';
import { ValueError } from '../common/values.ts';
import { interpolate } from './interpolate.ts';

export type Scalar = string | number | boolean | null;

export type LNode =
  | { kind: 'map'; entries: Map<string, LNode>; at: Location; dir: string }
  | { kind: 'seq'; items: LNode[]; at: Location; dir: string }
  | { kind: 'scalar'; value: Scalar; at: Location; dir: string; interpolated?: boolean };

export type LMap = Extract<LNode, { kind: 'map' }>;

/** Alias expansion is bounded: a billion-laughs file is an error, not a hang. */
const MAX_NODES = 200_000;
const MAX_DEPTH = 500;

export interface LoadContext {
  vars: Readonly<Record<string, string | undefined>>;
  warnings: DoorWarning[];
}

export function loadYaml(text: string, file: string, dir: string, ctx: LoadContext): LNode {
  const lc = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { merge: true, uniqueKeys: true, lineCounter: lc, prettyErrors: false, strict: true });
  } catch (e) {
    if (e instanceof RangeError) throw new MoatError('config', `${file}: the YAML nests too deep to read`);
    throw e;
  }
  const pos = (offset: number): Location => {
    const p = lc.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const first = doc.errors[0];
  if (first) {
    const at = pos(first.pos[0]);
    throw new MoatError('config', locatedMessage(file, at.line, at.column, `invalid YAML: ${first.message.split('\n')[0]}`));
  }
  for (const w of doc.warnings) ctx.warnings.push({ message: w.message.split('\n')[0] ?? w.message, at: pos(w.pos[0]) });
  let budget = MAX_NODES;
  const fail = (at: Location, message: string): never => {
    throw new MoatError('config', locatedMessage(file, at.line, at.column, message));
  };

  const active = new Set<unknown>();
  const convert = (node: unknown, keyAt?: Location): LNode => {
    if (active.has(node)) fail(keyAt ?? pos((node as YamlNode).range?.[0] ?? 0), 'an alias refers to a node that contains it (a recursive alias)');
    if (active.size > MAX_DEPTH) fail(keyAt ?? { line: 1, column: 1 }, `values nest deeper than ${MAX_DEPTH} levels`);
    if (--budget < 0) fail(keyAt ?? { line: 1, column: 1 }, `the file expands to more than ${MAX_NODES} values (aliases nested too deep?)`);
    if (isAlias(node)) {
      const target = node.resolve(doc as Document);
      if (!target) fail(pos(node.range?.[0] ?? 0), `unknown alias *${node.source}`);
      return convert(target, keyAt ?? pos(node.range?.[0] ?? 0));
    }
    const y = node as YamlNode | null;
    const at = keyAt ?? pos(y?.range?.[0] ?? 0);
    if (y === null || y === undefined) return { kind: 'scalar', value: null, at, dir };
    if (isScalar(y)) {
      const v = y.value;
      if (typeof v === 'string') {
        try {
          const r = interpolate(v, ctx.vars);
          for (const name of r.unset) ctx.warnings.push({ message: `the ${name} variable is not set: read as an empty string`, at: pos(y.range?.[0] ?? 0) });
          // `$$` is a literal `$`; any other `$` was a variable the value now comes from.
          return v.replaceAll('$$', '').includes('$') ? { kind: 'scalar', value: r.value, at, dir, interpolated: true } : { kind: 'scalar', value: r.value, at, dir };
        } catch (e) {
          if (e instanceof ValueError) fail(pos(y.range?.[0] ?? 0), e.message);
          throw e;
        }
      }
      if (v === null || typeof v === 'number' || typeof v === 'boolean') return { kind: 'scalar', value: v, at, dir };
      if (typeof v === 'bigint') return { kind: 'scalar', value: Number(v), at, dir };
      return fail(at, `unsupported YAML value ${String(v)}`);
    }
    if (isSeq(y)) {
      active.add(y);
      const items = y.items.map((item) => convert(item));
      active.delete(y);
      return { kind: 'seq', items, at, dir };
    }
    if (isMap(y)) {
      active.add(y);
      const entries = new Map<string, LNode>();
      const merged: LNode[] = [];
      for (const pair of y.items) {
        const k = pair.key;
        const kAt = pos((k as YamlNode | null)?.range?.[0] ?? y.range?.[0] ?? 0);
        if (isScalar(k) && typeof k.value === 'symbol') {
          // `<<: *base` or `<<: [*a, *b]`: explicit keys win, then earlier maps over later ones.
          const src = convert(pair.value, kAt);
          const maps = src.kind === 'seq' ? src.items : [src];
          for (const m of maps) if (m.kind !== 'map') fail(kAt, 'a merge key (<<) needs a mapping or a list of mappings');
          merged.push(...maps);
          continue;
        }
        if (!isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number' && typeof k.value !== 'boolean')) fail(kAt, 'mapping keys must be plain strings');
        entries.set(String((k as { value: unknown }).value), convert(pair.value, kAt));
      }
      for (const m of merged) {
        for (const [k, v] of (m as LMap).entries) if (!entries.has(k)) entries.set(k, v);
      }
      active.delete(y);
      return { kind: 'map', entries, at, dir };
    }
    return fail(at, 'unsupported YAML node');
  };
  return convert(doc.contents);
}

/** Type-checked access for the compose door: each failure is a located one-line error. */
export function expectMap(n: LNode, what: string): LMap {
  if (n.kind !== 'map') throw locatedError(n.at, `${what} must be a mapping, found ${describe(n)}`);
  return n;
}

export function describe(n: LNode): string {
  if (n.kind === 'map') return 'a mapping';
  if (n.kind === 'seq') return 'a list';
  return n.value === null ? 'null' : `${typeof n.value} ${JSON.stringify(n.value)}`;
}

export function locatedError(at: Location, message: string): MoatError {
  return new MoatError('config', locatedMessage(at.file ?? 'compose', at.line, at.column, message));
}
