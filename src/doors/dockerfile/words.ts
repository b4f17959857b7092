import type { KeyValue, Word } from '../../models/dockerfile-spec.ts';
import type { MappedText } from './text.ts';

export interface RawWord {
  /** After quote and escape removal. */
  value: string;
  start: number;
  end: number;
}

/**
 * Splits on blanks outside quotes, removing quotes and escapes, as BuildKit's word
 * processing does for `ENV`, `LABEL` and `ARG` (`A="b c"` is one word `A=b c`).
 */
export function splitQuoted(text: string, escape: string): RawWord[] {
  const out: RawWord[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isBlank(text[i])) i++;
    if (i >= n) break;
    const start = i;
    // The value is the word's runs between quotes and escapes, added a run at a time (most
    // words are one run: `KEY=value`), not a character at a time.
    let value = '';
    let run = i;
    let quote: string | undefined;
    while (i < n) {
      const c = text[i] as string;
      if (quote) {
        if (c === quote) {
          value += text.slice(run, i);
          quote = undefined;
          run = ++i;
        } else if (c === escape && quote === '"' && i + 1 < n) {
          value += text.slice(run, i) + (text[i + 1] as string);
          run = i += 2;
        } else i++;
        continue;
      }
      if (isBlank(c)) break;
      if (c === '"' || c === "'") {
        value += text.slice(run, i);
        quote = c;
        run = ++i;
      } else if (c === escape && i + 1 < n) {
        value += text.slice(run, i) + (text[i + 1] as string);
        run = i += 2;
      } else i++;
    }
    value += text.slice(run, i);
    out.push({ value, start, end: i });
  }
  return out;
}

/** Plain whitespace split (COPY, ADD, FROM, EXPOSE, ... take their words as written). */
export function splitBlank(text: string): RawWord[] {
  // A scan rather than /\S+/g: every instruction's words go through here, and a match array
  // per word was most of what splitting allocated. The blanks are JavaScript's \s.
  const out: RawWord[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    out.push({ value: text.slice(start, i), start, end: i });
  }
  return out;
}

/** `\s` of a regular expression (and what `trim` removes): ASCII blanks and line ends, and the Unicode spaces. */
export function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

export function toWords(raw: readonly RawWord[], map: MappedText, file: string): Word[] {
  return raw.map((w) => ({ value: w.value, at: map.locate(file, w.start) }));
}

/**
 * `ENV`/`LABEL`/`ARG` arguments as name/value pairs. BuildKit's two forms: `KEY=value ...`
 * (quoted values), and the legacy `ENV KEY value with spaces` when the first word has no `=`.
 */
export function keyValues(keyword: string, text: string, map: MappedText, file: string, escape: string): KeyValue[] {
  const words = splitQuoted(text, escape);
  const first = words[0];
  if (!first) return [];
  const at = (offset: number) => map.locate(file, offset);
  if (keyword !== 'ARG' && !first.value.includes('=')) {
    // Legacy form: the rest of the line, whitespace kept, is the value.
    const rest = text.slice(first.end).replace(/^[ \t]+/, '');
    const restStart = text.length - rest.length;
    // The builder keeps the rest of the line as one value, blanks included; only quotes and escapes go.
    const value = unquoteWhole(rest, escape);
    return [{ key: first.value, value, at: at(first.start), ...(rest ? { valueAt: at(restStart) } : {}) }];
  }
  return words.map((w) => {
    const eq = w.value.indexOf('=');
    if (eq < 0) return { key: w.value, at: at(w.start) };
    const rawEq = text.indexOf('=', w.start);
    return { key: w.value.slice(0, eq), value: w.value.slice(eq + 1), at: at(w.start), valueAt: at(rawEq + 1) };
  });
}

/** The strings of an exec-form (JSON array) argument, with the position of each string. */
export function jsonWords(text: string, map: MappedText, file: string): Word[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) return undefined;
  const starts: number[] = [];
  const re = /"(?:[^"\\]|\\.)*"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index);
  return (parsed as string[]).map((value, i) => ({ value, at: map.locate(file, starts[i] ?? 0) }));
}

/** Quote and escape removal over a whole string, blanks kept (the legacy `ENV KEY value` form). */
function unquoteWhole(text: string, escape: string): string {
  // Runs between quotes and escapes, added a run at a time.
  let out = '';
  let run = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) {
        out += text.slice(run, i);
        quote = undefined;
        run = i + 1;
      } else if (c === escape && quote === '"' && i + 1 < text.length) {
        out += text.slice(run, i) + (text[i + 1] as string);
        run = ++i + 1;
      }
    } else if (c === '"' || c === "'") {
      out += text.slice(run, i);
      quote = c;
      run = i + 1;
    } else if (c === escape && i + 1 < text.length) {
      out += text.slice(run, i) + (text[i + 1] as string);
      run = ++i + 1;
    }
  }
  return out + text.slice(run);
}
