import * as v from 'valibot';
import { SEVERITIES } from '../../models/finding.ts';
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

// ---- plugins and build (issue 11 classes 1 and 6) ----

/** `sha256:` and 64 hex digits, as a pinned reference carries it. */
const digest = v.pipe(v.string('digest must be text'), v.trim(), v.regex(/^sha256:[0-9a-f]{64}$/, 'digest must be sha256: followed by 64 lowercase hex digits'));

export const EnforcePluginAllowSchema = v.strictObject(
  {
    /** The plugin reference, a glob matched as written and fully qualified (`vieux/sshfs` = `docker.io/vieux/sshfs:latest`). */
    name: nonEmpty('name'),
    /** When set, only this content: installs must pull `NAME@DIGEST`, and enable requires the plugin to have come from it. */
    digest: v.optional(digest),
    reason: nonEmpty('reason (say why the plugin is trusted)'),
  },
  'an allowed plugin is a mapping with name, reason and optionally digest',
);

export const EnforcePluginsSchema = v.strictObject(
  {
    /** Plugins that may be installed (pull, create, upgrade) and enabled; all others are refused. */
    allow: v.optional(v.array(EnforcePluginAllowSchema, 'enforce.plugins.allow must be a list of plugins')),
  },
  'enforce.plugins must be a mapping with allow',
);

export const EnforceBuildSchema = v.strictObject(
  {
    /** `networkmode` values a build may use (`default`, `none`, `bridge`, a network name); others deny. Absent: judged by the container rules only (host denied at their severity). */
    networks: v.optional(v.array(nonEmpty('a network in enforce.build.networks'), 'enforce.build.networks must be a list of network modes')),
    /** `cgroupparent`, `extrahosts`: deny (default: judged by the container rules) or allow. */
    cgroupparent: v.optional(v.picklist(['deny', 'allow'], 'enforce.build.cgroupparent must be deny or allow')),
    extrahosts: v.optional(v.picklist(['deny', 'allow'], 'enforce.build.extrahosts must be deny or allow')),
  },
  'enforce.build must be a mapping with networks, cgroupparent and extrahosts',
);

// ---- end of plugins and build ----

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
    /** Requests Moat cannot judge: swarm services, BuildKit gRPC streams (default deny). */
    unjudged: v.optional(v.picklist(['deny', 'allow'], 'enforce.unjudged must be deny or allow')),
    /** Plugin installs and enables: an allow list by name and digest (install denied by default). */
    plugins: v.optional(EnforcePluginsSchema),
    /** Build options beyond what the container rules judge. */
    build: v.optional(EnforceBuildSchema),
    /** Host objects this host allows (devices, local volume types and devices, device cgroup rules, system paths). */
    allow: v.optional(EnforceAllowSchema),
  },
  'enforce must be a mapping with deny, log, exceptions, unjudged, plugins, build and allow',
);

export type EnforceSectionData = v.InferOutput<typeof EnforceSectionSchema>;
