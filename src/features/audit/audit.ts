import { buildReport } from '../../report/build.ts';
import type { Subject } from '../../models/finding.ts';
import { applyConfig } from '../../report/apply-config.ts';
import { imageSettings } from '../../doors/config/image-settings.ts';
import type { MoatConfig } from '../../doors/config/load.ts';
import { checkResult } from '../../report/summary.ts';
import type { ContainerSpec } from '../../models/container-spec.ts';
import type { DaemonSpec } from '../../models/daemon-spec.ts';
import type { HostSpec } from '../../models/host-spec.ts';
import type { ImageSpec } from '../../models/image-spec.ts';
import type { SignatureStatus } from '../../models/signature-status.ts';
import { EngineClient, type ClientOptions } from '../../doors/engine/client.ts';
import { EngineError } from '../../doors/engine/errors.ts';
import { runCheck, type Verdict } from '../../knowledge/rules/evaluate.ts';
import { auditRules } from '../../knowledge/rules/audit-rules.ts';
import { inBenchmark } from '../../models/rule-benchmark.ts';
import { DEFAULT_BENCHMARK } from '../../models/cis-benchmark.ts';
import type { ContainerFacts, ContainerRule, DaemonRule, ExecInfo, HostRule, ImageRule, Need, ProcessInfo, Rule, SprawlCounts, SystemFacts } from '../../models/rule.ts';
import type { Report, ReportWarning } from '../../report/model.ts';
import { containerFromInspect } from '../../doors/engine/container.ts';
import { execFromInspect, historyFromApi, imageFromInspect, processesFromTop } from '../../doors/engine/image.ts';
import { ContainerInspectSchema, ContainerSummarySchema, ExecInspectSchema, ImageSummarySchema, HistorySchema, ImageInspectSchema, TopSchema, parseEngine } from '../../doors/engine/inspect-schema.ts';
import { readDaemon } from '../../doors/daemon/index.ts';
import { engineNetworkPicture, exposedOf, readNetworks } from '../../doors/engine/network.ts';
import { reachableFromOutside } from '../../knowledge/rules/container/support/reach.ts';
import { raiseForExposure } from '../../knowledge/rules/exposure.ts';
import { readHost } from '../../doors/host/index.ts';
import { readContainerProcesses } from '../../doors/host/processes.ts';
import { readHostObjects, withResolvedBinds } from '../../doors/host/host-objects.ts';
import { HostPathError } from '../../doors/host/resolve-path.ts';
import { readVolumeOptions } from '../../doors/engine/volume-options.ts';
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

/** Requests in flight at once: the measured sweet spot for the engine's unix socket on 2 cores. */
const CONCURRENCY = 8;

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
  try {
    const byTarget = splitRules(rules);
    const needs = new Set<Need>([...byTarget.container, ...byTarget.image, ...byTarget.daemon].flatMap((r) => r.meta.needs ?? []));
    if (byTarget.image.length > 0) needs.add('image');

    const [daemon, summaries, networks, sprawl] = await Promise.all([
      readDaemon(client, { hostRoot: opts.hostRoot, daemonConfigPath: opts.daemonConfigPath }),
      client.getJson(`/containers/json?all=${opts.all ? 1 : 0}`).then((j) => parseEngine(ContainerSummarySchema, j, 'GET /containers/json')),
      readNetworks(client),
      needs.has('sprawl') ? readSprawl(client) : undefined,
    ]);
    const host = daemon.local ? await readHost({ root: opts.hostRoot, daemon, env: opts.env }) : undefined;

    const ids = selectContainers(summaries, opts.containers);
    const inspected = await mapLimit(ids, CONCURRENCY, async (id) => {
      const raw = await client.getJson(`/containers/${encodeURIComponent(id)}/json`, { allowMissing: true });
      // Removed between the list and the inspect: it no longer exists, so there is nothing to judge.
      if (raw === undefined) return undefined;
      const inspect = parseEngine(ContainerInspectSchema, raw, `GET /containers/${id}/json`);
      const container = containerFromInspect(inspect);
      // A named volume's options (what a local volume mounts) are the volume's, not the container's.
      await readVolumeOptions(client, container);
      // On the daemon's own host, host paths are judged as enforce judges them: by what they are.
      if (host) await judgeHostObjects(container, host.root);
      const [processes, execs] = await Promise.all([
        needs.has('processes') && container.state?.running ? readProcesses(client, container, host) : undefined,
        needs.has('execs') ? readExecs(client, container) : undefined,
      ]);
      return { container, processes, execs, exposed: exposedOf(inspect) };
    });
    const containers = inspected.filter((c): c is NonNullable<typeof c> => c !== undefined);

    const images = new Map<string, ImageSpec>();
    if (needs.has('image')) {
      const imageIds = [...new Set(containers.map((c) => c.container.imageId).filter((i): i is string => !!i))];
      const found = await mapLimit(imageIds, CONCURRENCY, async (id) => {
        const raw = await client.getJson(`/images/${encodeURIComponent(id)}/json`, { allowMissing: true });
        if (raw === undefined) return undefined;
        const image = imageFromInspect(parseEngine(ImageInspectSchema, raw, `GET /images/${id}/json`));
        if (needs.has('history')) image.history = await readHistory(client, id);
        return image;
      });
      for (const img of found) if (img) images.set(img.id, img);
    }

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
      const statuses = await mapLimit([...images.values()], CONCURRENCY, async (img) => [img.id, await sign(img)] as const);
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

/** Bind sources resolved on the host, device nodes and reached sockets read; a path the host will not let Moat read stays judged by its name. */
async function judgeHostObjects(container: ContainerSpec, root: string): Promise<void> {
  try {
    container.mounts = await withResolvedBinds(container.mounts, root);
    await readHostObjects(container, root);
  } catch (e) {
    if (!(e instanceof HostPathError)) throw e;
  }
}

/** Section 6's counts: every container (stopped ones too) and every image, and which images no container uses. */
async function readSprawl(client: EngineClient): Promise<SprawlCounts> {
  const [all, images] = await Promise.all([
    client.getJson('/containers/json?all=1').then((j) => parseEngine(ContainerSummarySchema, j, 'GET /containers/json?all=1')),
    client.getJson('/images/json').then((j) => parseEngine(ImageSummarySchema, j, 'GET /images/json')),
  ]);
  const used = new Set(all.map((c) => c.ImageID).filter((i): i is string => !!i));
  return {
    images: images.length,
    unusedImages: images.filter((i) => !used.has(i.Id)).length,
    containers: all.length,
    stoppedContainers: all.filter((c) => c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting').length,
  };
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

/** A running container's processes; with `host` (the daemon's own machine) read from /proc rather than the engine's `top`. */
export async function readProcesses(client: EngineClient, c: ContainerSpec, host?: HostSpec): Promise<ProcessInfo[] | undefined> {
  // On the daemon's own host /proc answers without the engine forking ps for each container.
  if (host && c.state?.pid) {
    const local = await readContainerProcesses(host.root, c.id, c.state.pid);
    if (local) return local;
  }
  // A container can stop between inspect and top (409/404): it then has no processes to judge.
  const res = await client.request('GET', `/containers/${encodeURIComponent(c.id)}/top`);
  if (res.status === 404 || res.status === 409) return undefined;
  if (res.status !== 200) throw new EngineError('http', `the engine refused GET /containers/${c.name}/top: HTTP ${res.status}`, { status: res.status });
  return processesFromTop(parseEngine(TopSchema, JSON.parse(res.body.toString('utf8')), `GET /containers/${c.name}/top`));
}

/** An image removed between its inspect and this read has no history to judge: `undefined`, and the rules that need it say so. */
async function readHistory(client: EngineClient, id: string): Promise<ImageSpec['history']> {
  const raw = await client.getJson(`/images/${encodeURIComponent(id)}/history`, { allowMissing: true });
  return raw === undefined ? undefined : historyFromApi(parseEngine(HistorySchema, raw, `GET /images/${id}/history`));
}

export async function readExecs(client: EngineClient, c: ContainerSpec): Promise<ExecInfo[]> {
  const ids = c.state?.execIds ?? [];
  const execs = await Promise.all(
    ids.map(async (id) => {
      const raw = await client.getJson(`/exec/${encodeURIComponent(id)}/json`, { allowMissing: true });
      return raw === undefined ? undefined : execFromInspect(parseEngine(ExecInspectSchema, raw, `GET /exec/${id}/json`));
    }),
  );
  return execs.filter((e): e is ExecInfo => e !== undefined);
}

