import * as v from 'valibot';
import { SEVERITIES } from '../findings/finding.ts';
import { isoDay, nonEmpty } from './fields.ts';

/**
 * moat.yaml's `enforce:` section: the policy `moat enforce` applies to requests reaching the
 * daemon. Kept beside schema.ts so the sections other commands add do not collide.
 */

/** `severity >= high`: every rule whose finding is at or above that severity. */
export const SEVERITY_TOKEN = new RegExp(`^severity\\s*>=\\s*(${SEVERITIES.join('|')})$`);

const tokenList = (what: string) => v.array(nonEmpty(what), `${what} must be a list of rule ids, CIS ids or "severity >= LEVEL"`);

export const EnforceExceptionSchema = v.strictObject(
  {
    /** Rule ids or CIS ids the exception covers; every rule when absent. */
    rules: v.optional(v.array(nonEmpty('a rule in an exception'), 'rules must be a list of rule ids or CIS ids')),
    /** Image reference glob (`*` any run of characters), matched as written and fully qualified. */
    image: v.optional(nonEmpty('image')),
    /** `key` (present with any value) or `key=value`. */
    label: v.optional(nonEmpty('label')),
    /** Glob on the authenticated user (the daemon knows one only with TLS client certificates). */
    user: v.optional(nonEmpty('user')),
    reason: nonEmpty('reason (say why the exception is safe)'),
    expires: v.optional(isoDay),
  },
  'an exception is a mapping with reason, one or more of image, label and user, and optionally rules and expires',
);

// ---- Judged by what it is (issue 11): host objects a host's owner allows. Kept apart from the plugin/build keys. ----
const pathList = (what: string) => v.array(v.pipe(nonEmpty(what), v.startsWith('/', `${what} must be an absolute path`)), `${what}s must be a list of absolute paths`);

export const EnforceAllowSchema = v.strictObject(
  {
    /** Local-volume mount types allowed (`nfs`, `cifs`...). */
    'volume-types': v.optional(v.array(nonEmpty('a volume type'), 'volume-types must be a list of mount types (nfs, cifs...)')),
    /** Devices a local volume may mount. */
    'volume-devices': v.optional(pathList('a volume device')),
    /** `--device` host paths allowed, whatever they are (every node they lead to must be listed too). */
    devices: v.optional(pathList('a device')),
    /** `--device-cgroup-rule` values allowed. */
    'device-cgroup-rules': v.optional(v.array(v.pipe(nonEmpty('a device cgroup rule'), v.regex(/^\s*[abc]\s+(\*|\d+):(\*|\d+)\s+[rwm]{1,3}\s*$/, 'a device cgroup rule is TYPE MAJOR:MINOR ACCESS, e.g. "c 188:* rwm"')), 'device-cgroup-rules must be a list of rules')),
    /** `allow`: `systempaths=unconfined` (and shorter MaskedPaths/ReadonlyPaths) is accepted; default `deny`. */
    systempaths: v.optional(v.picklist(['deny', 'allow'], 'enforce.allow.systempaths must be deny or allow')),
  },
  'enforce.allow is a mapping with volume-types, volume-devices, devices, device-cgroup-rules and systempaths',
);
// ---- end of judged by what it is ----

export const EnforceSectionSchema = v.strictObject(
  {
    /** Findings of these rules deny the request (default: `severity >= high`). */
    deny: v.optional(tokenList('a rule in enforce.deny')),
    /** Findings of these rules are only logged, even when a `deny` severity threshold covers them. */
    log: v.optional(tokenList('a rule in enforce.log')),
    exceptions: v.optional(v.array(EnforceExceptionSchema, 'enforce.exceptions must be a list of exceptions')),
    /** Requests Moat cannot judge: plugin archives, swarm services, BuildKit gRPC streams (default deny). */
    unjudged: v.optional(v.picklist(['deny', 'allow'], 'enforce.unjudged must be deny or allow')),
    /** Host objects this host allows (devices, local volume types and devices, device cgroup rules, system paths). */
    allow: v.optional(EnforceAllowSchema),
  },
  'enforce must be a mapping with deny, log, exceptions, unjudged and allow',
);

export type EnforceSectionData = v.InferOutput<typeof EnforceSectionSchema>;
