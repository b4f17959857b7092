/**
 * Compose's variable interpolation (compose-spec "Interpolation"): `$VAR`, `${VAR}`,
 * `${VAR:-default}` / `${VAR-default}` (unset-or-empty / unset), `${VAR:?err}` /
 * `${VAR?err}` (an error), `${VAR:+alt}` / `${VAR+alt}`, nested defaults, and `$$` for a
 * literal `$`.
 */
import { ValueError } from '../common/values.ts';

export interface Interpolation {
  value: string;
  /** Variables read that were not set (compose substitutes an empty string and warns). */
  unset: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** Defaults inside defaults (`${A:-${B:-x}}`) deeper than this are an error, not a stack overflow. */
export const MAX_NESTING = 100;
/** A value longer than this after interpolation is an error: no compose value is that long, and `.env` files can double a variable into gigabytes. */
export const MAX_VALUE_CHARS = 1024 * 1024;

/** A limit above was passed: the file is hostile or broken, never a value to keep as written. */
export class InterpolationLimit extends ValueError {}

export function interpolate(text: string, vars: Readonly<Record<string, string | undefined>>): Interpolation {
  if (!text.includes('$')) return { value: text, unset: [] };
  const unset: string[] = [];
  const value = expand(text, vars, unset, 0);
  return { value, unset };
}

function expand(text: string, vars: Readonly<Record<string, string | undefined>>, unset: string[], depth: number): string {
  if (depth > MAX_NESTING) throw new InterpolationLimit(`variables nest more than ${MAX_NESTING} levels deep (\${A:-\${B:-...}})`);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw new ValueError(`unclosed "\${" in "${clip(text)}" (write $$ for a literal $)`);
      out += braced(text.slice(i + 2, end), vars, unset, text, depth);
      i = end + 1;
    } else {
      const m = NAME.exec(text.slice(i + 1));
      if (!m) {
        // A lone `$` (e.g. `cost: 5$`): compose rejects it as an invalid template.
        throw new ValueError(`invalid "$" in "${clip(text)}" (write $$ for a literal $)`);
      }
      out += lookup(m[0], vars, unset);
      i += 1 + m[0].length;
    }
    if (out.length > MAX_VALUE_CHARS) throw new InterpolationLimit(`the value grows past ${MAX_VALUE_CHARS / 1024 / 1024} MiB once its variables are substituted: is a variable doubled over and over?`);
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function lookup(name: string, vars: Readonly<Record<string, string | undefined>>, unset: string[]): string {
  const v = vars[name];
  if (v === undefined) {
    if (!unset.includes(name)) unset.push(name);
    return '';
  }
  return v;
}

function braced(inner: string, vars: Readonly<Record<string, string | undefined>>, unset: string[], whole: string, depth: number): string {
  const m = NAME.exec(inner);
  if (!m) throw new ValueError(`invalid variable "\${${clip(inner)}}" in "${clip(whole)}"`);
  const name = m[0];
  const rest = inner.slice(name.length);
  if (rest === '') return lookup(name, vars, unset);
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) throw new ValueError(`invalid variable "\${${clip(inner)}}" in "${clip(whole)}" (expected :-, -, :?, ?, :+ or +)`);
  const arg = rest.slice(op.length);
  const v = vars[name];
  const missing = op.startsWith(':') ? v === undefined || v === '' : v === undefined;
  switch (op.replace(':', '')) {
    case '-':
      return missing ? expand(arg, vars, unset, depth + 1) : (v as string);
    case '+':
      return missing ? '' : expand(arg, vars, unset, depth + 1);
    default:
      if (missing) throw new ValueError(`required variable ${name} is ${v === undefined ? 'not set' : 'empty'}${arg ? `: ${expand(arg, vars, unset, depth + 1)}` : ''}`);
      return v as string;
  }
}

/** Error messages quote the value, but not a megabyte of it. */
function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
