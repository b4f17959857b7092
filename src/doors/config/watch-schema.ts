import * as v from 'valibot';
import { SEVERITIES } from '../../models/finding.ts';

/**
 * moat.yaml's `watch:` section (read by `moat watch`). moat.yaml is parsed with every
 * scalar as text, so numbers are checked and converted here.
 */

const WATCH_KINDS = ['finding', 'exec', 'drift', 'oom', 'restart-loop', 'resource'] as const;

const text = (what: string) => v.pipe(v.string(`${what} must be text`), v.trim(), v.minLength(1, `${what} must not be empty`));
const whole = (what: string, min: number, max: number) =>
  v.pipe(
    v.string(`${what} must be a whole number`),
    v.trim(),
    v.regex(/^\d+$/, `${what} must be a whole number`),
    v.transform(Number),
    v.minValue(min, `${what} must be at least ${min}`),
    v.maxValue(max, `${what} must be at most ${max}`),
  );

export const WatchIgnoreSchema = v.strictObject(
  {
    kind: v.picklist(WATCH_KINDS, `kind must be one of ${WATCH_KINDS.join(', ')}`),
    /** Container name or id; `*` matches any run of characters. */
    container: v.optional(text('container')),
    /** A drift path, an exec command, a resource (memory, pids) or a rule id; `*` as above. */
    match: v.optional(text('match')),
    reason: text('reason (say why the alert is accepted)'),
    expires: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'expires must be a date written YYYY-MM-DD'))),
  },
  'a watch ignore is a mapping with kind, reason, and optionally container, match and expires',
);

export const WatchSectionSchema = v.strictObject(
  {
    /** Alerts below this severity are not raised. */
    severity: v.optional(v.picklist(SEVERITIES, `watch.severity must be one of ${SEVERITIES.join(', ')}`)),
    ignore: v.optional(v.array(WatchIgnoreSchema, 'watch.ignore must be a list')),
    restartLoop: v.optional(
      v.strictObject({ restarts: v.optional(whole('restartLoop.restarts', 2, 1000)), windowSeconds: v.optional(whole('restartLoop.windowSeconds', 1, 86_400)) }, 'restartLoop must be a mapping with restarts and windowSeconds'),
    ),
    /** Percent of a memory or PIDs limit that raises a resource alert. */
    limitPercent: v.optional(whole('limitPercent', 1, 100)),
    statsIntervalSeconds: v.optional(whole('statsIntervalSeconds', 1, 3600)),
    driftIntervalSeconds: v.optional(whole('driftIntervalSeconds', 1, 3600)),
    file: v.optional(text('watch.file')),
    webhook: v.optional(v.strictObject({ url: text('webhook.url'), queue: v.optional(whole('webhook.queue', 1, 1_000_000)) }, 'webhook must be a mapping with url and queue')),
    syslog: v.optional(v.strictObject({ address: text('syslog.address'), facility: v.optional(text('syslog.facility')) }, 'syslog must be a mapping with address and facility')),
    metrics: v.optional(text('watch.metrics')),
  },
  'watch must be a mapping (severity, ignore, restartLoop, limitPercent, statsIntervalSeconds, driftIntervalSeconds, file, webhook, syslog, metrics)',
);

export type WatchSectionData = v.InferOutput<typeof WatchSectionSchema>;
