/**
 * The decision for one request: route it, read it into a subject, run the container rules
 * `audit` and `lint` run, apply moat.yaml's policy. Pure apart from resolving bind sources
 * on this host; the server around it bounds the time, size and concurrency.
 */
import { selectConfiguredRules } from '../../report/apply-config.ts';
import { defaultEnforceConfig, type EnforceConfig } from '../../doors/config/enforce.ts';
import { emptyConfig, type MoatConfig } from '../../doors/config/load.ts';
import { severityRank, type Finding, type Severity } from '../../models/finding.ts';
import type { ContainerSpec } from '../../models/container-spec.ts';
import { formatLocation } from '../../models/location.ts';
import { runCheck } from '../../knowledge/rules/evaluate.ts';
import { containerRules } from '../../knowledge/rules/container/index.ts';
import type { ContainerFacts, ContainerRule } from '../../models/rule.ts';
import { EngineError } from '../../doors/engine/errors.ts';
import type { ImageSpec } from '../../models/image-spec.ts';
import { BUILD_POLICY, buildPolicyDenials } from '../../doors/authz-request/build-request.ts';
import type { DaemonView } from './daemon-view.ts';
import { PLUGIN_POLICY, allowedPlugin } from '../../doors/authz-request/plugin-requests.ts';
import { START_REASONS, startView, type StartKind } from './start-check.ts';
import { readHostObjects, withResolvedBinds } from '../../doors/host/host-objects.ts';
import { HostPathError } from '../../doors/host/resolve-path.ts';
import { IMAGE_SIGNATURE_RULE, type ImageTrustGate } from './image-trust.ts';
import { maskSecrets } from './mask.ts';
import { actionFor, exceptionFor } from './policy.ts';
import type { AuthzRequest } from '../../doors/authz-request/protocol.ts';
import { REQUEST_REASONS, baselineSpec, envSecrets, interpret, type Interpretation, type RequestSubject } from '../../doors/authz-request/requests.ts';
import { RouteError, routeOf, type EndpointKind, type Route } from '../../doors/authz-request/route.ts';

export interface EnforcerOptions {
  /** moat.yaml: its `enforce:` policy, rule selection (`rules.only`/`disable`) and severity overrides. */
  config?: MoatConfig;
  /** The container rules to judge with; default: the registry, narrowed by the config's selection. */
  rules?: readonly ContainerRule[];
  /** Where this host's files are read when resolving bind sources (default `/`). */
  hostRoot?: string;
  /** Clock for exception expiry. */
  now?: () => Date;
  /**
   * The daemon this plugin guards, asked at start (start-check.ts) and, when a create sets no
   * user, for the image's USER. Without it (dry runs, `moat enforce test`) starts are allowed
   * as before and creates are judged without the image.
   */
  daemon?: DaemonView;
  /** The most a start check may wait for the daemon (default 800 ms; keep it under the server's timeout). */
  daemonTimeoutMs?: number;
  /** Image-signature gate (trust.signatures), when a signer policy exists: see image-trust.ts. */
  imageTrust?: ImageTrustGate;
}

export interface JudgedFinding {
  rule: string;
  severity: Severity;
  message: string;
  at?: string;
  /** 'excepted': would deny, let through by an exception (its reason in `exception`). */
  action: 'deny' | 'log' | 'excepted';
  exception?: string;
}

export interface Judgement {
  allow: boolean;
  /** What the daemon shows the client on a denial. */
  msg: string;
  /** The first rule (or request reason, `enforce-*`) that denied; undefined when allowed. */
  rule?: string;
  endpoint: EndpointKind;
  route?: Route;
  subject?: { kind: RequestSubject['kind']; name?: string; image?: string };
  findings: JudgedFinding[];
  /** Facts worth recording: resolved bind sources, door warnings (keys in another case, repeats). */
  notes: string[];
}

const MAX_MSG = 2000;

export class Enforcer {
  readonly policy: EnforceConfig;
  readonly rules: readonly ContainerRule[];
  /** The rules that read execs: all an exec's delta needs (RequestSubject.changes). */
  private readonly execRules: readonly ContainerRule[];
  private readonly severity: MoatConfig['rules']['severity'];
  private readonly hostRoot: string;
  private readonly now: () => Date;
  private readonly baseline: Set<string>;
  private readonly daemon: DaemonView | undefined;
  private readonly daemonTimeoutMs: number;
  private readonly imageTrust?: ImageTrustGate;

  constructor(opts: EnforcerOptions = {}) {
    const config = opts.config ?? emptyConfig(process.cwd());
    this.policy = config.enforce ?? defaultEnforceConfig();
    this.rules = opts.rules ?? (selectConfiguredRules(containerRules, config, { checks: [], skip: [] }) as ContainerRule[]);
    this.execRules = this.rules.filter((r) => r.meta.needs?.includes('execs'));
    this.severity = config.rules.severity;
    this.hostRoot = opts.hostRoot ?? '/';
    this.now = opts.now ?? (() => new Date());
    this.daemon = opts.daemon;
    this.daemonTimeoutMs = opts.daemonTimeoutMs ?? 800;
    if (opts.imageTrust) this.imageTrust = opts.imageTrust;
    // A delta counts only what the baseline does not already show (a rule that fires on any container is not the request's doing).
    this.baseline = new Set(this.findingsOf({ container: baselineSpec() }).findings.map(keyOf));
  }

  /**
   * True for requests judged without waiting on anything (reads, the endpoints that are only
   * logged): the server answers them without taking one of its bounded judgement slots, so the
   * reads a start check makes through this same plugin are never refused for want of a slot.
   */
  light(req: Pick<AuthzRequest, 'method' | 'uri'>): boolean {
    try {
      const route = routeOf(req.method, req.uri);
      // The server asks light() and then judge() of the same request, one after the other: the route is read once.
      this.routedReq = req;
      this.routed = { method: req.method, uri: req.uri, route };
      return route.kind === 'other';
    } catch {
      return false;
    }
  }

  /** The route light() read for the last request it saw, taken once by the judge of that same request. */
  private routedReq: object | undefined;
  private routed: { method: string; uri: string; route: Route } | undefined;

  /** Judges one AuthZReq. Never throws: anything unexpected denies (fail closed). */
  async judge(req: AuthzRequest): Promise<Judgement> {
    return this.judgeNow(req);
  }

  /**
   * judge(), but a decision that needs nothing outside this process (a read, a request
   * refused or allowed by its route alone) comes back at once rather than as a promise: the
   * plugin then answers in the same turn of the event loop. Never throws.
   */
  judgeNow(req: AuthzRequest): Judgement | Promise<Judgement> {
    let route: Route;
    try {
      const seen = this.routedReq === req ? this.routed : undefined;
      this.routedReq = undefined;
      this.routed = undefined;
      route = seen && seen.method === req.method && seen.uri === req.uri ? seen.route : routeOf(req.method, req.uri);
    } catch (e) {
      if (e instanceof RouteError) return denied('other', REQUEST_REASONS.unreadable, `${e.message}: the daemon would route it somewhere Moat cannot tell`);
      return Promise.reject(e as Error);
    }
    let it: Interpretation;
    try {
      it = interpret(route, req);
      if ('allow' in it) return { allow: true, msg: '', endpoint: route.kind, route, findings: [], notes: [] };
      if ('deny' in it) return { ...denied(route.kind, it.deny.rule, it.deny.reason), route };
      if ('unjudged' in it) {
        if (this.policy.unjudged === 'allow') return { allow: true, msg: '', endpoint: route.kind, route, findings: [], notes: [`not judged: ${it.unjudged} (enforce.unjudged: allow)`] };
        return { ...denied(route.kind, REQUEST_REASONS.unjudged, `Moat cannot judge ${it.unjudged}; set enforce.unjudged: allow in moat.yaml to let such requests through`), route };
      }
      if ('install' in it) return { ...this.judgeInstall(it.install, route.kind), route };
    } catch (e) {
      return this.failed(route, e);
    }
    return this.judgeAsync(route, it, req);
  }

  private async judgeAsync(route: Route, it: Extract<Interpretation, { subject: unknown } | { start: unknown }>, req: AuthzRequest): Promise<Judgement> {
    try {
      if ('start' in it) return { ...(await this.judgeStart(it.start, it.target, req.user, route.kind)), route };
      if (route.kind === 'build') {
        const refused = buildPolicyDenials(route, this.policy.build);
        if (refused.length) return { ...denied(route.kind, BUILD_POLICY, `${refused.join('; ')} (${this.policy.build.at ? formatLocation(this.policy.build.at) : 'moat.yaml'})`), route };
      }
      const image = await this.imageForUser(it.subject);
      return { ...(await this.judgeSubject(it.subject, req.user, route.kind, image)), route };
    } catch (e) {
      return this.failed(route, e);
    }
  }

  private failed(route: Route, e: unknown): Judgement {
    if (e instanceof EngineError || e instanceof DeadlineError) {
      return { ...denied(route.kind, START_REASONS.unanswered, `the daemon (${this.daemon?.display ?? 'unknown'}) did not show what would run (${e.message}): denied rather than let through unjudged`), route };
    }
    return { ...denied(route.kind, REQUEST_REASONS.unreadable, `Moat could not judge this request (${(e as Error).message}): denied rather than let through unchecked`), route };
  }

  /** Judges a spec that came from another door (`moat enforce test`): as the create request it stands for. */
  judgeSpec(spec: ContainerSpec, user = ''): Promise<Judgement> {
    return this.judgeSubject({ kind: 'container', mode: 'whole', spec, name: spec.name || undefined, image: spec.image, labels: spec.labels, secrets: envSecrets(spec.env), warnings: [] }, user, 'container-create');
  }

  /** Plugin installs: only what enforce.plugins.allow names (by name, and by digest when the entry has one). */
  private judgeInstall(install: { reference: string; name: string }, endpoint: EndpointKind): Judgement {
    const ok = allowedPlugin(this.policy.plugins, [install.reference]);
    const subject = { kind: 'plugin' as const, ...(install.name ? { name: install.name } : {}), ...(install.reference ? { image: install.reference } : {}) };
    if ('why' in ok) return { ...denied(endpoint, PLUGIN_POLICY, `installing plugins is denied unless enforce.plugins.allow lists them: ${ok.why}`), subject };
    return { allow: true, msg: '', endpoint, subject, findings: [], notes: [`allowed by enforce.plugins.allow: ${ok.entry.reason} (${formatLocation(ok.entry.at)}); its privileges are judged at enable`] };
  }

  /** The start check: the daemon's own view of what will run, judged as a create is. */
  private async judgeStart(kind: StartKind, target: string, user: string, endpoint: EndpointKind): Promise<Judgement> {
    if (!this.daemon) return { allow: true, msg: '', endpoint, findings: [], notes: ['no daemon to ask: the start check is off (dry run)'] };
    const daemon = this.daemon;
    const seen = await withDeadline(startView(kind, target, daemon), this.daemonTimeoutMs, `asking ${daemon.display} about ${kind} ${target}`);
    if ('deny' in seen) return denied(endpoint, seen.deny.rule, seen.deny.reason);
    if (seen.plugin) {
      const ok = allowedPlugin(this.policy.plugins, [seen.plugin.reference]);
      if ('why' in ok) return { ...denied(endpoint, PLUGIN_POLICY, `enabling plugins is denied unless enforce.plugins.allow lists them: ${ok.why}`), subject: { kind: 'plugin', name: seen.plugin.name, image: seen.plugin.reference } };
    }
    const j = await this.judgeSubject(seen.subject, user, endpoint);
    j.notes.unshift(`judged the daemon's view (${kind} ${target})`);
    return j;
  }

  /** A create that sets no user runs as the image's USER: ask the daemon for it, so the rules know the user at create. */
  private async imageForUser(subject: RequestSubject): Promise<ImageSpec | undefined> {
    if (!this.daemon || subject.kind !== 'container' || subject.mode !== 'whole' || (subject.spec.user ?? '').trim() !== '' || !subject.image) return undefined;
    try {
      return await withDeadline(this.daemon.image(subject.image), this.daemonTimeoutMs, `asking for image ${subject.image}`);
    } catch (e) {
      // Not known here: judged without it (as before), and the start check judges the merged user.
      subject.warnings.push({ message: `the image's USER could not be read (${(e as Error).message}); the start check judges the user` });
      return undefined;
    }
  }

  private async judgeSubject(subject: RequestSubject, user: string, endpoint: EndpointKind, image?: ImageSpec): Promise<Judgement> {
    const notes = subject.warnings.map((w) => `${w.at?.path ? `${w.at.path}: ` : ''}${w.message}`);
    try {
      subject.spec.mounts = await withResolvedBinds(subject.spec.mounts, this.hostRoot, notes);
      // Devices by the node they lead to, binds by the daemon sockets they reach, local device mounts by their device.
      await readHostObjects(subject.spec, this.hostRoot);
    } catch (e) {
      if (e instanceof HostPathError) return denied(endpoint, REQUEST_REASONS.unreadable, `a bind source cannot be resolved on this host: ${e.message}`);
      throw e;
    }
    // --- image signature (issue 16; logic in image-trust.ts): a create's image must carry a trusted signature ---
    if (this.imageTrust && endpoint === 'container-create' && subject.image) {
      const gate = await this.imageTrust.judge(subject.image);
      if (!gate.allow) return { ...denied(endpoint, IMAGE_SIGNATURE_RULE, gate.reason), subject: { kind: subject.kind, ...(subject.name ? { name: subject.name } : {}), image: subject.image } };
      if (gate.note) notes.push(gate.note);
    }
    // --- end image signature ---
    const facts: ContainerFacts = { container: subject.spec, allow: this.policy.allow, ...(image ? { image } : {}), ...(subject.execs ? { execs: subject.execs } : subject.mode === 'delta' ? { execs: [] } : {}) };
    const { findings, errors } = this.findingsOf(facts, subject.changes === 'execs' ? this.execRules : this.rules);
    const counted = subject.mode === 'delta' ? findings.filter((f) => !this.baseline.has(keyOf(f))) : findings;
    const now = this.now();
    const judged: JudgedFinding[] = counted.map((f) => {
      const severity = this.severity.get(f.ruleId)?.severity ?? f.severity;
      const at = formatLocation(f.location);
      const base = { rule: f.ruleId, severity, message: maskSecrets(f.message, subject.secrets), ...(at ? { at: maskSecrets(at, subject.secrets) } : {}) };
      if (actionFor(this.policy, f.ruleId, severity) === 'log') return { ...base, action: 'log' as const };
      const ex = exceptionFor(this.policy, f.ruleId, { image: subject.image, labels: subject.labels, user }, now);
      return ex ? { ...base, action: 'excepted' as const, exception: `${ex.reason} (${formatLocation(ex.at)})` } : { ...base, action: 'deny' as const };
    });
    const who = { kind: subject.kind, ...(subject.name ? { name: subject.name } : {}), ...(subject.image ? { image: subject.image } : {}) };
    if (errors.length) {
      return { ...denied(endpoint, REQUEST_REASONS.ruleError, `${errors.join('; ')}: denied rather than let through half-checked`), subject: who, findings: judged, notes };
    }
    // The most severe first: the decision is named after it.
    const denying = judged.filter((f) => f.action === 'deny').sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    if (denying.length === 0) return { allow: true, msg: '', endpoint, subject: who, findings: judged, notes };
    // The client sees why: each denying finding, and where a bind source led once resolved.
    const reasons = [...denying.map((f) => `${f.rule} (${f.severity}): ${f.message}${f.at ? ` [${f.at}]` : ''}`), ...notes.filter((n) => n.startsWith('bind source '))];
    return { allow: false, msg: clip(`moat: denied: ${reasons.join('; ')}`), rule: denying[0]?.rule, endpoint, subject: who, findings: judged, notes };
  }

  private findingsOf(facts: ContainerFacts, rules = this.rules): { findings: Finding[]; errors: string[] } {
    const findings: Finding[] = [];
    const errors: string[] = [];
    const subject = { kind: 'container' as const, id: facts.container.id, name: facts.container.name };
    for (const r of rules) {
      const v = runCheck(r, facts, subject);
      if (v.status === 'error') errors.push(v.reason ?? `rule ${r.meta.id} failed`);
      findings.push(...v.findings);
    }
    return { findings, errors };
  }
}

class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** The promise's value, or a DeadlineError after `ms`: the start check never waits past its share of the decision's time. */
function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms while ${what}`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function keyOf(f: Finding): string {
  return `${f.ruleId}\u0000${f.message}`;
}

function denied(endpoint: EndpointKind, rule: string, reason: string): Judgement {
  return { allow: false, msg: clip(`moat: denied: ${rule}: ${reason}`), rule, endpoint, findings: [], notes: [] };
}

function clip(s: string): string {
  return s.length > MAX_MSG ? `${s.slice(0, MAX_MSG - 1)}…` : s;
}

