/**
 * Debian control-file paragraphs (deb822): `Field: value` lines, continuation lines
 * starting with a space or tab, paragraphs separated by blank lines. Used by dpkg's
 * status database and distroless images' `status.d/` files.
 */
export interface Paragraph {
  /** Field names lower-cased; values with continuation lines joined by `\n`. */
  fields: Map<string, string>;
  /** 1-based line of the paragraph's first field, for located problems. */
  line: number;
}

export interface ControlParse {
  paragraphs: Paragraph[];
  /** Lines that are neither fields nor continuations: `line N: …`. */
  errors: string[];
}

export function parseControl(text: string): ControlParse {
  const paragraphs: Paragraph[] = [];
  const errors: string[] = [];
  let cur: Paragraph | undefined;
  let lastField: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      if (cur) paragraphs.push(cur);
      cur = undefined;
      lastField = undefined;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (cur && lastField !== undefined) cur.fields.set(lastField, `${cur.fields.get(lastField)}\n${line.trim()}`);
      else errors.push(`line ${i + 1}: continuation line outside a field`);
      continue;
    }
    if (line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      errors.push(`line ${i + 1}: "${line.slice(0, 60)}" is not a "Field: value" line`);
      continue;
    }
    cur ??= { fields: new Map(), line: i + 1 };
    lastField = line.slice(0, colon).toLowerCase();
    cur.fields.set(lastField, line.slice(colon + 1).trim());
  }
  if (cur) paragraphs.push(cur);
  return { paragraphs, errors };
}

/** `Source: name (version)` or `Source: name`; the binary's own name and version by default. */
export function sourceOf(fields: Map<string, string>, name: string, version: string): { name: string; version: string } {
  const raw = fields.get('source')?.trim();
  if (!raw) return { name, version };
  const m = /^(\S+)\s*(?:\((.+)\))?$/.exec(raw);
  if (!m) return { name: raw, version };
  return { name: m[1] as string, version: m[2]?.trim() || version };
}
