/**
 * The parts of an OSV record (https://ossf.github.io/osv-schema/) that Moat reads,
 * checked at the edge. Objects are loose: OSV adds fields over time, and a field Moat
 * does not read is no reason to refuse a record.
 */
import * as v from 'valibot';

const Text = v.string();
const ShortText = v.pipe(v.string(), v.maxLength(1024));

const Event = v.looseObject({
  introduced: v.optional(ShortText),
  fixed: v.optional(ShortText),
  last_affected: v.optional(ShortText),
  limit: v.optional(ShortText),
});

const Range = v.looseObject({
  type: ShortText,
  repo: v.optional(Text),
  events: v.array(Event),
});

const Severity = v.looseObject({ type: ShortText, score: ShortText });

const Affected = v.looseObject({
  package: v.optional(v.looseObject({ ecosystem: ShortText, name: ShortText, purl: v.optional(Text) })),
  severity: v.optional(v.array(Severity)),
  ranges: v.optional(v.array(Range)),
  versions: v.optional(v.array(ShortText)),
  ecosystem_specific: v.optional(v.unknown()),
  database_specific: v.optional(v.unknown()),
});

export const OsvRecordSchema = v.looseObject({
  schema_version: v.optional(Text),
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  modified: ShortText,
  published: v.optional(ShortText),
  withdrawn: v.optional(ShortText),
  aliases: v.optional(v.nullable(v.array(ShortText))),
  upstream: v.optional(v.nullable(v.array(ShortText))),
  related: v.optional(v.nullable(v.array(ShortText))),
  summary: v.optional(Text),
  details: v.optional(Text),
  severity: v.optional(v.nullable(v.array(Severity))),
  affected: v.optional(v.nullable(v.array(Affected))),
  references: v.optional(v.nullable(v.array(v.looseObject({ type: v.optional(ShortText), url: Text })))),
  database_specific: v.optional(v.unknown()),
});

export type OsvRecord = v.InferOutput<typeof OsvRecordSchema>;
export type OsvAffected = v.InferOutput<typeof Affected>;

/** The record, or the first problem valibot found, as `path: message`. */
export function parseRecord(value: unknown): { record: OsvRecord } | { error: string } {
  const result = v.safeParse(OsvRecordSchema, value, { abortEarly: true });
  if (result.success) return { record: result.output };
  const issue = result.issues[0];
  const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { error: `${where === '' ? '' : `${where}: `}${issue.message}` };
}
