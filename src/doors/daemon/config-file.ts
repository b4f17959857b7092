/**
 * daemon.json: validated with JSON's own rules (dockerd's decoder is strict JSON, so
 * a file JSON.parse rejects is one dockerd refuses), and every top-level key located
 * at its line and column, from jsonc-parser's syntax tree (8 ms to load against ~60 ms for
 * the `yaml` parser, in a command whose budget is 300 ms).
 */
import { parseTree } from 'jsonc-parser';
import type { DaemonOption } from '../../models/daemon-spec.ts';
import { MoatError, locatedMessage } from '../../util/errors.ts';
import { findJsonSyntaxError, lineColumn } from './json-syntax.ts';

const REFUSED = 'fix the file (dockerd refuses to start with it)';

/**
 * The options a daemon.json sets, each at `{ file, line, column, path: key }`. `file` is
 * the path named in messages (the path on the audited host). Throws
 * `MoatError('incomplete')` with a located one-line message when dockerd would reject the file.
 */
export function parseDaemonJson(text: string, file: string): DaemonOption[] {
  // Engines since 23.0 skip a byte-order mark and treat an empty file as no options.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return [];

  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    const found = findJsonSyntaxError(body);
    if (!found) throw new MoatError('incomplete', locatedMessage(file, undefined, undefined, `not valid JSON: ${(e as Error).message}; ${REFUSED}`));
    const { line, column } = lineColumn(body, found.offset);
    throw new MoatError('incomplete', locatedMessage(file, line, column, `${found.message}; ${REFUSED}`));
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const { line, column } = lineColumn(body, body.length - body.trimStart().length);
    const what = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new MoatError('incomplete', locatedMessage(file, line, column, `the top level must be a JSON object ({ "key": value, ... }), not ${what}; ${REFUSED}`));
  }

  const positions = keyPositions(body);
  return Object.entries(parsed as Record<string, unknown>).map(([key, value]) => {
    const pos = positions.get(key);
    return { key, value, from: 'daemon.json' as const, at: { file, ...(pos ? { line: pos.line, column: pos.col } : {}), path: key } };
  });
}

/** Line and column of each top-level key; a repeated key keeps its last position, as JSON.parse keeps its last value. */
function keyPositions(text: string): Map<string, { line: number; col: number }> {
  const out = new Map<string, { line: number; col: number }>();
  const tree = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  if (tree?.type !== 'object') return out;
  for (const prop of tree.children ?? []) {
    const key = prop.children?.[0];
    if (key?.type !== 'string') continue;
    const { line, column } = lineColumn(text, key.offset);
    out.set(String(key.value), { line, col: column });
  }
  return out;
}
