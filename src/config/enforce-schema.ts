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

export const EnforceSectionSchema = v.strictObject(
  {
    /** Findings of these rules deny the request (default: `severity >= high`). */
    deny: v.optional(tokenList('a rule in enforce.deny')),
    /** Findings of these rules are only logged, even when a `deny` severity threshold covers them. */
    log: v.optional(tokenList('a rule in enforce.log')),
    exceptions: v.optional(v.array(EnforceExceptionSchema, 'enforce.exceptions must be a list of exceptions')),
    /** Requests Moat cannot judge: plugin archives, swarm services, BuildKit gRPC streams (default deny). */
    unjudged: v.optional(v.picklist(['deny', 'allow'], 'enforce.unjudged must be deny or allow')),
  },
  'enforce must be a mapping with deny, log, exceptions and unjudged',
);

export type EnforceSectionData = v.InferOutput<typeof EnforceSectionSchema>;
