/**
 * The vocabulary of the request check, shared by every endpoint's reader (requests.ts,
 * build-request.ts, plugin-requests.ts): what a request comes to (a subject to judge or a
 * decision taken from the request itself), reading a body with Go's semantics, and the
 * hardened baseline a delta is laid over.
 */
import type { ContainerSpec } from '../../models/container-spec.ts';
import type { ExecInfo } from '../../models/rule.ts';
import { MoatError } from '../../util/errors.ts';
import { blankSpec, type DoorWarning } from '../common/spec.ts';
import { GoJsonError, decodeGoJson, type GoType } from '../../util/go-json.ts';
import type { AuthzRequest } from './protocol.ts';

/** Decisions that come from the request itself rather than from a rule. */
export const REQUEST_REASONS = {
  hiddenBody: 'enforce-hidden-body',
  unreadable: 'enforce-unreadable',
  legacyStart: 'enforce-legacy-start',
  unjudged: 'enforce-unjudged',
  timeout: 'enforce-timeout',
  overload: 'enforce-overload',
  malformed: 'enforce-malformed-request',
  ruleError: 'enforce-rule-error',
} as const;

export interface RequestSubject {
  kind: 'container' | 'exec' | 'update' | 'build' | 'plugin' | 'volume' | 'network';
  /** 'whole': the spec is everything the container will be; 'delta': only what the request adds counts. */
  mode: 'whole' | 'delta';
  spec: ContainerSpec;
  /** The exec a request creates, for rules that judge exec instances. */
  execs?: ExecInfo[];
  /**
   * 'execs': a delta that leaves the baseline spec as it is and only adds execs. A rule that
   * reads no execs (its `needs` lacks 'execs') then sees exactly the baseline and can find
   * nothing the baseline does not show, so the judge runs only the exec rules.
   */
  changes?: 'execs';
  name?: string;
  image?: string;
  labels: Record<string, string>;
  /** Values that must never reach the log (environment values). */
  secrets: string[];
  warnings: DoorWarning[];
}

export type Interpretation =
  | { subject: RequestSubject }
  | { deny: { rule: string; reason: string } }
  | { allow: true }
  | { unjudged: string }
  /** Judged from the daemon's own view of what will run (start-check.ts). */
  | { start: 'container' | 'exec' | 'plugin'; target: string }
  /** A plugin install, allowed only by `enforce.plugins` (plugin-requests.ts). */
  | { install: { reference: string; name: string } };

const CVE = 'CVE-2026-34040';

/**
 * True when the client sent a body the daemon did not forward: dockerd drops bodies past
 * 1 MiB, chunked ones (no Content-Length) and any whose Content-Type is not exactly
 * `application/json`, and still acts on them.
 */
export function bodyHidden(req: AuthzRequest): boolean {
  if (req.body && req.body.length > 0) return false;
  const length = req.headers['content-length'];
  return length === undefined || length.trim() !== '0';
}

export function hiddenBody(what: string): Interpretation {
  return {
    deny: {
      rule: REQUEST_REASONS.hiddenBody,
      reason: `the daemon forwarded no body for this ${what}, so it cannot be checked (bodies over 1 MiB, chunked, or not sent as exactly application/json reach plugins empty: ${CVE}); send it as application/json under 1 MiB`,
    },
  };
}

export function unreadable(what: string, e: unknown): Interpretation {
  const message = e instanceof MoatError || e instanceof GoJsonError ? (e instanceof GoJsonError && e.path ? `at ${e.path}: ${e.message}` : e.message) : String(e);
  return { deny: { rule: REQUEST_REASONS.unreadable, reason: `the ${what} body cannot be read (${message}); the daemon would act on something Moat could not check` } };
}

type Read<T> = { value: T | undefined } | { decided: Interpretation };

/**
 * The body decoded as `type` (Go semantics), or the decision when it is hidden (sent but not
 * forwarded), missing where it is `required`, or unreadable. `value` is undefined for a truly empty body.
 */
export function readBody<T>(req: AuthzRequest, type: GoType, what: string, required = false): Read<T> {
  if (!req.body || req.body.length === 0) return required || bodyHidden(req) ? { decided: hiddenBody(what) } : { value: undefined };
  try {
    return { value: decodeGoJson(new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(req.body), type) as T };
  } catch (e) {
    return { decided: unreadable(what, e) };
  }
}

/** The configuration every delta is laid over: a container no rule finds anything wrong with. */
export function baselineSpec(): ContainerSpec {
  const s = blankSpec('request', 'baseline', 'baseline');
  s.image = 'baseline';
  s.user = '10001:10001';
  s.capDrop = ['ALL'];
  s.security = { selinuxLabels: [], selinuxDisabled: false, noNewPrivileges: true, raw: ['no-new-privileges'] };
  s.namespaces = { network: 'none', ipc: 'private', cgroupns: 'private' };
  s.networks = ['none'];
  s.resources = { memory: 256 * 1024 * 1024, memorySwap: 256 * 1024 * 1024, cpuShares: 512, pidsLimit: 100, ulimits: [] };
  s.readOnlyRootfs = true;
  s.restartPolicy = { name: 'on-failure', maxRetries: 3 };
  s.healthcheck = { test: ['CMD', '/healthcheck'], disabled: false };
  return s;
}

export function delta(kind: RequestSubject['kind'], change: (s: ContainerSpec) => void, extra: Partial<RequestSubject> = {}): Interpretation {
  const spec = baselineSpec();
  change(spec);
  return { subject: { kind, mode: 'delta', spec, labels: {}, secrets: [], warnings: [], ...extra } };
}
