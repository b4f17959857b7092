import { buildReport } from '../../report/build.ts';
import type { Subject } from '../../models/finding.ts';
import { applyConfig } from '../../report/apply-config.ts';
import { imageSettings } from '../../doors/config/image-settings.ts';
import type { MoatConfig } from '../../doors/config/load.ts';
import { checkResult } from '../../report/summary.ts';
import type { DaemonSpec } from '../../models/daemon-spec.ts';
import type { ImageSpec } from '../../models/image-spec.ts';
import type { SignatureStatus } from '../../models/signature-status.ts';
import { EngineClient, type ClientOptions } from '../../doors/engine/client.ts';
import { runCheck } from '../../knowledge/rules/evaluate.ts';
import type { Verdict } from '../../models/verdict.ts';
import { auditRules } from '../../knowledge/rules/audit-command-rules.ts';
import { inBenchmark } from '../../models/rule-benchmark.ts';
import { DEFAULT_BENCHMARK } from '../../models/cis-benchmark.ts';
import type { ContainerFacts, ContainerRule, DaemonRule, HostRule, ImageRule, Need, Rule, SystemFacts } from '../../models/rule.ts';
import { EngineReader, READ_CONCURRENCY, readSnapshot } from '../../doors/engine/reader.ts';
import type { Report, ReportWarning } from '../../report/model.ts';
import { engineNetworkPicture } from '../../doors/engine/network.ts';
import { reachableFromOutside } from '../../knowledge/rules/container/support/reach.ts';
import { raiseForExposure } from '../../knowledge/rules/exposure.ts';
import { mapLimit } from '../../util/concurrency.ts';
import { MoatError } from '../../util/errors.ts';

export interface AuditOptions {
  /** An open client; otherwise one is made from `engine` options (DOCKER_HOST by default) and closed afterwards. */
  client?: EngineClient;
  engine?: ClientOptions;
  /** Rules to run (after selection); all rules by default. */
  rules?: readonly Rule[];
  /** Container names or id prefixes; all by default. */
  containers?: readonly string[];
  /** Include stopped and created containers. */
  all?: boolean;
  /** Where the host's files are read from ('/' unless Moat runs in a container with the host mounted). */
  hostRoot?: string;
  daemonConfigPath?: string;
  /** moat.yaml (see `loadConfig`): its severity overrides and ignores apply before checks are summarised. Rule selection is the caller's (`selectConfiguredRules`). */
  config?: MoatConfig;
  now?: Date;
  env?: NodeJS.ProcessEnv;
  /** Checks an image's signature (moat.yaml trust.signatures); given only when a signer policy exists, so audits without one are unchanged. */
  imageSignature?: (image: ImageSpec) => Promise<SignatureStatus | undefined>;
}


/**
 * `moat audit`: reads the daemon, the host and every container through the engine,
 * runs the selected rules over them, and returns one Report. Throws (never returns a
 * partial report) when the engine cannot be read to the end.
 */
export async function audit(opts: AuditOptions = {}): Promise<Report> {
  const started = new Date();
  const t0 = performance.now();
  const now = opts.now ?? started;
  // Dockerfile rules judge files, not a live engine: `moat lint` runs them.
  const rules = inBenchmark(opts.rules ?? auditRules, opts.config?.benchmark ?? DEFAULT_BENCHMARK).filter((r) => r.meta.target !== 'dockerfile');
  const client = opts.client ?? (await EngineClient.connect(opts.engine));
  const reader = new EngineReader(client);
  try {
    const byTarget = splitRules(rules);
    const needs = new Set<Need>([...byTarget.container, ...byTarget.image, ...byTarget.daemon].flatMap((r) => r.meta.needs ?? []));
    if (byTarget.image.length > 0) needs.add('image');

    const { daemon, host, containers, images, networks, sprawl } = await readSnapshot(reader, {
      all: opts.all,
      select: (list) => selectContainers(list, opts.containers),
      hostRoot: opts.hostRoot,
      daemonConfigPath: opts.daemonConfigPath,
      env: opts.env,
      wants: { processes: needs.has('processes'), execs: needs.has('execs'), images: needs.has('image'), history: needs.has('history'), sprawl: needs.has('sprawl') },
    });

    const verdicts = new Map<string, Verdict[]>();
    const record = (rule: Rule, v: Verdict): void => {
      const list = verdicts.get(rule.meta.id);
      if (list) list.push(v);
      else verdicts.set(rule.meta.id, [v]);
    };
    for (const r of rules) verdicts.set(r.meta.id, []);

    // The network picture joins the containers read here (all of them unless --container narrowed the audit).
    const network = engineNetworkPicture(client.endpoint.display, networks, containers.map((c) => ({ spec: c.container, exposed: c.exposed })), daemon);
    const sprawlLimits = opts.config?.sprawl;
    const system: SystemFacts = { daemon, host, now, network, ...(sprawl ? { sprawl } : {}), ...(sprawlLimits ? { sprawlLimits } : {}) };
    const daemonSubject = subjectOfDaemon(daemon);
    const hostSubject: Subject = { kind: 'host', id: daemon.info.name || 'localhost', name: daemon.info.name || undefined };
    for (const r of byTarget.host) record(r, runCheck(r, system, hostSubject));
    for (const r of byTarget.daemon) record(r, runCheck(r, system, daemonSubject));
    const settings = imageSettings(opts.config);
    const signatures = new Map<string, SignatureStatus | undefined>();
    if (opts.imageSignature && byTarget.image.length > 0) {
      const sign = opts.imageSignature;
      const statuses = await mapLimit([...images.values()], READ_CONCURRENCY, async (img) => [img.id, await sign(img)] as const);
      for (const [id, status] of statuses) signatures.set(id, status);
    }
    for (const img of images.values()) {
      const subject: Subject = { kind: 'image', id: img.id, name: img.repoTags[0] };
      const signature = signatures.get(img.id);
      for (const r of byTarget.image) record(r, runCheck(r, { image: img, now, settings, ...(signature ? { signature } : {}) }, subject));
    }
    for (const { container, processes, execs } of containers) {
      const facts: ContainerFacts = { container, daemon, host, ...(opts.config ? { allow: opts.config.enforce.allow } : {}), image: container.imageId ? images.get(container.imageId) : undefined, processes, execs, network };
      const subject: Subject = { kind: 'container', id: container.id, name: container.name };
      for (const r of byTarget.container) record(r, runCheck(r, facts, subject));
    }

    const exposed = new Set(network.members.filter((m) => reachableFromOutside(m, network)).map((m) => m.spec.id));
    let findings = raiseForExposure([...verdicts.values()].flat().flatMap((v) => v.findings), exposed);
    let warnings: ReportWarning[] = [];
    if (opts.config) ({ findings, warnings } = applyConfig(findings, opts.config, { now, ran: rules }));
    const findingsByRule = Map.groupBy(findings, (f) => f.ruleId);
    const checks = rules.map((r) => checkResult(r.meta, verdicts.get(r.meta.id) ?? [], findingsByRule.get(r.meta.id) ?? []));

    return buildReport({
      command: 'audit',
      target: {
        description: `${client.endpoint.display} (Docker ${daemon.version.engine}${daemon.info.name ? `, host ${daemon.info.name}` : ''})`,
        endpoint: client.endpoint.display,
        engineVersion: daemon.version.engine,
        hostname: daemon.info.name || undefined,
        containers: containers.length,
      },
      started,
      durationMs: performance.now() - t0,
      findings,
      checks,
      ...(opts.config?.file ? { configFile: opts.config.file } : {}),
      ...(opts.config ? { benchmark: opts.config.benchmark } : {}),
      warnings,
    });
  } finally {
    if (!opts.client) client.close();
  }
}



function splitRules(rules: readonly Rule[]): { container: ContainerRule[]; daemon: DaemonRule[]; host: HostRule[]; image: ImageRule[] } {
  return {
    container: rules.filter((r): r is ContainerRule => r.meta.target === 'container'),
    daemon: rules.filter((r): r is DaemonRule => r.meta.target === 'daemon'),
    host: rules.filter((r): r is HostRule => r.meta.target === 'host'),
    image: rules.filter((r): r is ImageRule => r.meta.target === 'image'),
  };
}

function subjectOfDaemon(d: DaemonSpec): Subject {
  return { kind: 'daemon', id: d.info.id || 'dockerd', name: `dockerd ${d.version.engine}` };
}

/** Keeps the containers the user named (by name or id prefix); a name that matches nothing is a usage error. */
export function selectContainers(list: ReadonlyArray<{ Id: string; Names?: string[] | null }>, wanted: readonly string[] | undefined): string[] {
  if (!wanted || wanted.length === 0) return list.map((c) => c.Id);
  const out = new Set<string>();
  for (const w of wanted) {
    const name = w.replace(/^\//, '');
    const hits = list.filter((c) => (c.Names ?? []).some((n) => n.replace(/^\//, '') === name) || (name.length >= 3 && c.Id.startsWith(name)));
    if (hits.length === 0) throw new MoatError('usage', `no container named or with id "${w}"${list.length ? '' : ' (none is running; use --all to include stopped ones)'}`);
    for (const h of hits) out.add(h.Id);
  }
  return [...out];
}




