/**
 * One record's text made ready to store: parsed, checked against the OSV schema,
 * reduced (osv/normalize.ts) and serialised, with no database access, so that it can
 * run on a worker thread while the main thread writes the previous records.
 */
import { parseRecord } from '../osv/schema.ts';
import { normalizeRecord } from '../osv/normalize.ts';

/** ecosystem, name, ranges JSON, versions JSON or null, severity JSON or null. */
export type AffectedTuple = [string, string, string, string | null, string | null];

export type Prepared =
  | { skip: string }
  | { id: string; modified: string; withdrawn: boolean; advisory: string; affected: AffectedTuple[]; dropped: string[] };

export function prepareRecord(text: string): Prepared {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { skip: `invalid JSON (${(e as Error).message.slice(0, 80)})` };
  }
  const parsed = parseRecord(value);
  if ('error' in parsed) return { skip: `not an OSV record: ${parsed.error}` };
  const record = parsed.record;
  if (record.withdrawn !== undefined) return { id: record.id, modified: record.modified, withdrawn: true, advisory: '', affected: [], dropped: [] };
  const normalized = normalizeRecord(record);
  const { id, modified, ...rest } = normalized.advisory;
  return {
    id,
    modified,
    withdrawn: false,
    advisory: JSON.stringify(rest),
    affected: normalized.affected.map((a) => [
      a.ecosystem,
      a.name,
      JSON.stringify(a.ranges),
      a.versions !== undefined ? JSON.stringify(a.versions) : null,
      a.severity.length > 0 ? JSON.stringify(a.severity) : null,
    ]),
    dropped: normalized.dropped,
  };
}
