import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGoJson, decodeGoJsonReference, go, isPlainKey, type GoStruct, type GoType } from './go-json.ts';
import { createBodyType } from '../doors/authz-request/schema.ts';
import { rng } from '../knowledge/vuln/test-support/rng.ts';

const rand = rng(20261207);
const int = (n: number): number => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

const KEYS = ['Image', 'image', 'HostConfig', 'hostconfig', 'Privileged', 'PRIVILEGED', 'Binds', 'Bindſ', 'CapAdd', 'Memory', 'PidsLimit', 'Env', 'Labels', 'User', 'Mounts', 'Tmpfs', 'PortBindings', 'x', ''];
const SCALARS = ['true', 'false', 'null', '0', '-1', '1.5', '1e3', '9223372036854775807', '9223372036854775808', '-0', '"a"', '"\\u00e9\\n"', '"\\ud800"', '"/var/run/docker.sock:/s"', '"ſ"', '""'];

function value(depth: number): string {
  const r = rand();
  if (depth > 4 || r < 0.45) return pick(SCALARS);
  const ws = (): string => pick(['', '', ' ', '\n', '\t', '\r\n ']);
  if (r < 0.7) return `[${ws()}${Array.from({ length: int(4) }, () => value(depth + 1)).join(`,${ws()}`)}${ws()}]`;
  return `{${ws()}${Array.from({ length: int(5) }, () => `"${pick(KEYS)}"${ws()}:${ws()}${value(depth + 1)}`).join(`,${ws()}`)}${ws()}}`;
}

/** A value of Go type `t` as JSON, now and then of another type (or null). */
function typed(t: GoType, depth = 0): string {
  if (rand() < 0.05 || depth > 5) return value(3);
  switch (t.k) {
    case 'bool':
      return pick(['true', 'false', 'null']);
    case 'int':
      return pick(['0', '-1', '536870912', '9223372036854775807', '1.5', '1e3', 'null', '-0']);
    case 'string':
      return pick(['"a"', '"\\u00e9\\n"', '"host"', '"/var/run/docker.sock:/s"', '""', 'null', '"\\ud800"']);
    case 'strslice':
      return pick(['"sh"', '["a","b"]', '[]', 'null', '["x",null]']);
    case 'skip':
      return value(depth);
    case 'ptr':
      return rand() < 0.2 ? 'null' : typed(t.of, depth + 1);
    case 'slice':
      return rand() < 0.1 ? 'null' : `[${Array.from({ length: int(4) }, () => typed(t.of, depth + 1)).join(pick([',', ', ', ',\n']))}]`;
    case 'map':
      return `{${Array.from({ length: int(4) }, () => `"${pick(KEYS)}":${typed(t.of, depth + 1)}`).join(',')}}`;
    case 'struct': {
      const names = Object.keys(t.fields);
      if (names.length === 0) return '{}';
      return `{${Array.from({ length: int(Math.min(8, names.length + 2)) }, () => {
        const name = pick(names);
        const key = rand() < 0.1 ? name.toLowerCase() : rand() < 0.05 ? 'Unknown' : name;
        return `"${key}"${pick(['', ' '])}:${pick(['', ' ', '\n'])}${typed(t.fields[name] as GoType, depth + 1)}`;
      }).join(',')}}`;
    }
  }
}

/** Mostly documents of the type; some broken in the ways a hostile body is. */
function text(t: GoType): string {
  const base = rand() < 0.85 ? typed(t) : value(0);
  switch (int(10)) {
    case 0:
      return base.slice(0, int(base.length + 1));
    case 1: {
      const i = int(base.length);
      return base.slice(0, i) + pick([',', '}', ']', '"', '\\', '\u0001', '\u00a0', '\ufeff', '/', '01', 'x', ' ']) + base.slice(i + 1);
    }
    case 2:
      return `${base}${pick([' ', '\u00a0', 'x', '{}', '\n'])}`;
    case 3:
      return `\u00a0${base}`;
    default:
      return base;
  }
}

const TYPES: Array<[string, GoType]> = [
  ['create body', createBodyType],
  ['struct', go.struct({ Image: go.string, Privileged: go.bool, Memory: go.int, PidsLimit: go.ptr(go.int), Env: go.slice(go.string), Labels: go.map(go.string), Cmd: go.strslice })],
  ['map of slices', go.map(go.slice(go.uint))],
];

function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message} @ ${(e as { path?: string }).path}` };
  }
}

test('the lean parser decodes exactly as the jsonc-parser path: values, Go semantics, and every error (5,000 seeded texts)', () => {
  let lean = 0;
  let errors = 0;
  for (let k = 0; k < 5000; k++) {
    const [name, type] = pick(TYPES);
    const t = text(type);
    const fast = outcome(() => decodeGoJson(t, type));
    const reference = outcome(() => decodeGoJsonReference(t, type));
    assert.deepEqual(fast, reference, `${name}: ${JSON.stringify(t)}`);
    if ('error' in (fast as object)) errors++;
    else lean++;
  }
  // Both kinds must be well represented, or the comparison proves little.
  assert.ok(lean > 1500 && errors > 500, `${lean} decoded, ${errors} refused`);
});

test('texts near the edge of plain JSON are refused (or read) exactly as jsonc-parser does', () => {
  const t = go.struct({ Privileged: go.bool, Memory: go.int });
  for (const bad of ['{\u00a0"Privileged":\u00a0true}', '\ufeff{}', '{"Privileged":truex}', '{"Memory":01}', '{"Memory":1.}', '{"Memory":-}', '{"Privileged":true}x', '{"a":"\\x"}', '{"a":"\u0001"}', '[1,]', '{"a":1,}']) {
    assert.throws(() => decodeGoJson(bad, t), (e: Error) => e.message === outcomeMessage(() => decodeGoJsonReference(bad, t)), bad);
  }
});

function outcomeMessage(fn: () => unknown): string {
  try {
    fn();
    return '(decoded)';
  } catch (e) {
    return (e as Error).message;
  }
}

test('integers read as Go reads them into int64, on the short path (up to 15 digits) and the long one', () => {
  const t = go.struct({ N: go.int, U: go.uint });
  const read = (raw: string): unknown => (decodeGoJson(`{"N":${raw}}`, t) as GoStruct).fields.get('N');
  for (const raw of ['0', '-0', '7', '-7', '536870912', '999999999999999', '-999999999999999', '1000000000000000', '9007199254740993', '-9223372036854775808', '9223372036854775807']) {
    const want = Number(BigInt(raw));
    assert.ok(Object.is(read(raw), want), `${raw}: ${String(read(raw))} against ${want}`);
  }
  assert.throws(() => read('9223372036854775808'), /does not fit a 64-bit integer/);
  assert.throws(() => read('1.5'), /expected an integer, found 1\.5/);
  assert.throws(() => decodeGoJson('{"U":-1}', t), /expected a non-negative integer/);
});

test('a key is written after a dot exactly when it matches ^[A-Za-z_][\\w-]*$, else quoted in brackets', () => {
  const chars = ['a', 'Z', '_', '0', '9', '-', '.', ' ', '"', 'é', '[', '\u0000', '$'];
  let checked = 0;
  const visit = (k: string, depth: number): void => {
    assert.equal(isPlainKey(k), /^[A-Za-z_][\w-]*$/.test(k), JSON.stringify(k));
    checked++;
    if (depth < 4) for (const c of chars) visit(k + c, depth + 1);
  };
  visit('', 0);
  for (let c = 0; c < 0x180; c++) assert.equal(isPlainKey(`a${String.fromCharCode(c)}`), /^[A-Za-z_][\w-]*$/.test(`a${String.fromCharCode(c)}`), `code ${c}`);
  assert.ok(checked > 30000);
});
