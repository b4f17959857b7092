import type { SmallFileResult } from '../small-file.ts';

export interface Distribution {
  name: string;
  version: string;
  licenses: string[];
}

/**
 * Where the header block of a core-metadata file ends (the first empty line), so the
 * description after it need not be kept; `undefined` while it has not ended yet.
 */
export function headerEnd(kept: Buffer): number | undefined {
  const lf = kept.indexOf('\n\n');
  const crlf = kept.indexOf('\r\n\r\n');
  const ends = [lf, crlf].filter((i) => i >= 0);
  if (ends.length === 0) return undefined;
  return Math.min(...ends) + 1;
}

/**
 * Core metadata (https://packaging.python.org/specifications/core-metadata/): RFC 822
 * style `Key: value` headers, a value continued on lines that start with white space,
 * repeated keys (Classifier) allowed, the header block ended by an empty line. Only
 * Name, Version and the licence fields are read.
 */
export function parseMetadata(bytes: Buffer): SmallFileResult<Distribution> {
  const fields = new Map<string, string[]>();
  let key: string | undefined;
  for (const raw of bytes.toString('utf8').split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') break;
    if ((line[0] === ' ' || line[0] === '\t') && key !== undefined) {
      const values = fields.get(key) as string[];
      values[values.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      key = undefined;
      continue;
    }
    key = line.slice(0, colon).trim().toLowerCase();
    const list = fields.get(key) ?? [];
    list.push(line.slice(colon + 1).trim());
    fields.set(key, list);
  }
  const name = fields.get('name')?.[0];
  const version = fields.get('version')?.[0];
  if (!name) return { ok: false, message: 'it has no Name header; the distribution it describes is not listed' };
  if (!NAME.test(name)) return { ok: false, message: `its Name ${JSON.stringify(name.slice(0, 100))} is not a Python distribution name; it was skipped` };
  if (!version || /\s/.test(version) || version.length > 256) return { ok: false, message: `distribution ${name} has ${version ? 'a malformed' : 'no'} Version header; it was skipped` };
  return { ok: true, value: { name, version, licenses: licensesOf(fields) } };
}

// PEP 508 names: letters, digits and `._-`, starting and ending with a letter or digit.
const NAME = /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]{0,199}[A-Za-z0-9])$/;

/**
 * The SPDX expression of metadata 2.4 when there is one; otherwise `License` when it is a
 * name rather than the licence's whole text (many projects paste the text there), and
 * the `License ::` classifiers.
 */
function licensesOf(fields: Map<string, string[]>): string[] {
  const expression = fields.get('license-expression')?.[0];
  if (expression) return [expression];
  const out: string[] = [];
  const license = fields.get('license')?.[0];
  if (license && !license.includes('\n') && license.length <= 100 && !/^unknown$/i.test(license)) out.push(license);
  for (const c of fields.get('classifier') ?? []) {
    const parts = c.split('::').map((s) => s.trim());
    if (parts[0] !== 'License' || parts.length < 3) continue;
    const name = parts.at(-1) as string;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
