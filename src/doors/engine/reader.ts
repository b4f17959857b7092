/**
 * The one engine reader: every read of a Docker host through the Engine API goes through here,
 * parsed at the edge into the models. `audit` reads a whole snapshot (readSnapshot), `watch`
 * reads one container per event, `harden` and `verify` read a container or an image, the
 * start check of `enforce` reads the daemon's own view, and the agent sends snapshots. So a
 * container is read (inspect → ContainerSpec, its volumes' options, its host objects, its
 * processes and execs) one way for all of them, and a fix lands everywhere at once.
 *
 * An object removed between a list and its read has nothing left to judge: methods answer
 * `undefined` for it, never a partial object.
 */
import * as v from 'valibot';
import type { ContainerSpec } from '../../models/container-spec.ts';
import type { DaemonSpec } from '../../models/daemon-spec.ts';
import type { HostSpec } from '../../models/host-spec.ts';
import type { ImageSpec } from '../../models/image-spec.ts';
import type { NetworkMember, NetworkSpec } from '../../models/network.ts';
import type { ExecInfo, ProcessInfo, SprawlCounts } from '../../models/rule.ts';
import { mapLimit } from '../../util/concurrency.ts';
import { readDaemon } from '../daemon/index.ts';
import { readHost } from '../host/index.ts';
import { readHostObjects, withResolvedBinds } from '../host/host-objects.ts';
import { readContainerProcesses, readNamespaceProcesses } from '../host/processes.ts';
import { HostPathError } from '../host/resolve-path.ts';
import { EngineClient, compareApiVersions, type ClientOptions, type RawResponse, type StreamResponse } from './client.ts';
import { containerFromInspect } from './container.ts';
import { EngineError } from './errors.ts';
import { execFromInspect, historyFromApi, imageFromInspect, processesFromTop } from './image.ts';
import {
  ContainerInspectSchema,
  ContainerSummarySchema,
  ExecInspectSchema,
  HistorySchema,
  ImageInspectSchema,
  ImageSummarySchema,
  PluginInspectSchema,
  TopSchema,
  VolumeInspectSchema,
  parseEngine,
  type ContainerInspect,
  type PluginInspect,
  type VolumeInspect,
} from './inspect-schema.ts';
import { exposedOf, readNetworks } from './network.ts';
import { readVolumeOptions } from './volume-options.ts';

export type ContainerSummary = v.InferOutput<typeof ContainerSummarySchema>[number];
export type ExecInspect = v.InferOutput<typeof ExecInspectSchema>;

/** Requests in flight at once: the measured sweet spot for the engine's unix socket on 2 cores. */
export const READ_CONCURRENCY = 8;

/** What is read of one container besides its configuration; each only when a rule needs it. */
export interface ContainerWants {
  processes?: boolean;
  execs?: boolean;
  /** Only the configuration, for bookkeeping rather than judging: no volume options or host objects either. */
  bare?: boolean;
}

/** One container as the rules see it. */
export interface ContainerView {
  container: ContainerSpec;
  processes?: ProcessInfo[];
  execs?: ExecInfo[];
  exposed: NetworkMember['exposed'];
  /** The inspect document as Moat's schema reads it. */
  inspect: ContainerInspect;
}

export interface SnapshotOptions {
  /** Stopped and created containers too. */
  all?: boolean;
  /** Keep only these containers (ids); all listed by default. */
  select?: (list: readonly ContainerSummary[]) => string[];
  hostRoot?: string;
  daemonConfigPath?: string;
  env?: NodeJS.ProcessEnv;
  wants?: ContainerWants & { images?: boolean; history?: boolean; sprawl?: boolean };
}

/** A Docker host read at one moment: what audit judges and the agent sends. */
export interface HostSnapshot {
  daemon: DaemonSpec;
  /** The daemon's own machine when Moat runs on it; undefined for a remote daemon. */
  host?: HostSpec;
  containers: ContainerView[];
  /** By image id, for the images the containers run (when asked). */
  images: Map<string, ImageSpec>;
  networks: NetworkSpec[];
  sprawl?: SprawlCounts;
}

export interface RunningContainer {
  id: string;
  name: string;
  /** The reference it was started with (`docker run IMAGE`). */
  image: string;
  /** The image id, `sha256:…` (absent only when the engine did not say). */
  imageDigest?: string;
  state: string;
}

export interface RunningImage {
  /** The image id (config digest), `sha256:…`. */
  digest: string;
  /** Tags and repository digests; none for an untagged image. */
  references: string[];
  /** The layers' diff ids, base first. */
  layers: string[];
}

const ContainerList = v.array(v.object({ Id: v.string(), Names: v.nullish(v.array(v.string())), Image: v.nullish(v.string()), ImageID: v.nullish(v.string()), State: v.nullish(v.string()) }));

const ImageInspectLayers = v.object({
  Id: v.string(),
  RepoTags: v.nullish(v.array(v.string())),
  RepoDigests: v.nullish(v.array(v.string())),
  RootFS: v.nullish(v.object({ Layers: v.nullish(v.array(v.string())) })),
});

export class EngineReader {
  readonly client: EngineClient;

  constructor(client: EngineClient) {
    this.client = client;
  }

  static async connect(options?: ClientOptions): Promise<EngineReader> {
    return new EngineReader(await EngineClient.connect(options));
  }

  get display(): string {
    return this.client.endpoint.display;
  }

  close(): void {
    this.client.close();
  }

  daemon(opts: { hostRoot?: string; daemonConfigPath?: string } = {}): Promise<DaemonSpec> {
    return readDaemon(this.client, opts);
  }

  async containers(all: boolean, filters?: Record<string, string[]>): Promise<ContainerSummary[]> {
    const query = [`all=${all ? 1 : 0}`, ...(filters ? [`filters=${encodeURIComponent(JSON.stringify(filters))}`] : [])].join('&');
    return parseEngine(ContainerSummarySchema, await this.client.getJson(`/containers/json?${query}`), 'GET /containers/json');
  }

  async inspectContainer(id: string): Promise<ContainerInspect | undefined> {
    const raw = await this.containerDocument(id);
    return raw === undefined ? undefined : parseEngine(ContainerInspectSchema, raw, `GET /containers/${id}/json`);
  }

  /**
   * The inspect document as the engine sent it, for the one reader that must keep every field,
   * known to Moat's model or not: harden recreates the container from it.
   */
  containerDocument(id: string): Promise<unknown> {
    return this.client.getJson(`/containers/${encodeURIComponent(id)}/json`, { allowMissing: true });
  }

  /**
   * One container read the way every feature judges it: its configuration, its named volumes'
   * options (what a local volume mounts is the volume's), on the daemon's own host its host
   * paths resolved and judged by what they are, and its processes and execs when wanted.
   */
  async container(id: string, host: HostSpec | undefined, wants: ContainerWants = {}, daemon?: DaemonSpec): Promise<ContainerView | undefined> {
    const inspect = await this.inspectContainer(id);
    if (inspect === undefined) return undefined;
    const container = containerFromInspect(inspect);
    if (wants.bare) return { container, exposed: exposedOf(inspect), inspect };
    await readVolumeOptions(this.client, container);
    if (host) await judgeHostObjects(container, host.root);
    const [processes, execs] = await Promise.all([
      wants.processes && container.state?.running ? this.processes(container, host, daemon) : undefined,
      wants.execs ? this.execs(container) : undefined,
    ]);
    return { container, exposed: exposedOf(inspect), inspect, ...(processes ? { processes } : {}), ...(execs ? { execs } : {}) };
  }

  /** A running container's processes; with `host` (the daemon's own machine) read from /proc rather than the engine's `top`. */
  async processes(c: ContainerSpec, host?: HostSpec, daemon?: DaemonSpec): Promise<ProcessInfo[] | undefined> {
    const noCgroups = daemon?.info.cgroupDriver === 'none';
    // On the daemon's own host /proc answers without the engine forking ps for each container.
    if (host && c.state?.pid) {
      const local = noCgroups ? await readNamespaceProcesses(host.root, c.id, c.state.pid) : await readContainerProcesses(host.root, c.id, c.state.pid);
      if (local) return local;
    }
    // A container can stop between inspect and top (409/404): it then has no processes to judge.
    const res = await this.client.request('GET', `/containers/${encodeURIComponent(c.id)}/top`);
    if (res.status === 404 || res.status === 409) return undefined;
    // runc lists a container's processes from its cgroup, so `top` fails on a daemon without cgroups (rootless on cgroup v1): unknown, not an aborted audit.
    if (noCgroups && res.status === 500) return undefined;
    if (res.status !== 200) throw new EngineError('http', `the engine refused GET /containers/${c.name}/top: HTTP ${res.status}`, { status: res.status });
    return processesFromTop(parseEngine(TopSchema, JSON.parse(res.body.toString('utf8')), `GET /containers/${c.name}/top`));
  }

  async execs(c: ContainerSpec): Promise<ExecInfo[]> {
    const execs = await Promise.all((c.state?.execIds ?? []).map(async (id) => this.exec(id)));
    return execs.filter((e): e is ExecInfo => e !== undefined);
  }

  async exec(id: string): Promise<ExecInfo | undefined> {
    const raw = await this.inspectExec(id);
    return raw === undefined ? undefined : execFromInspect(raw);
  }

  async inspectExec(id: string): Promise<ExecInspect | undefined> {
    const raw = await this.client.getJson(`/exec/${encodeURIComponent(id)}/json`, { allowMissing: true });
    return raw === undefined ? undefined : parseEngine(ExecInspectSchema, raw, `GET /exec/${id}/json`);
  }

  async image(ref: string): Promise<ImageSpec | undefined> {
    const raw = await this.client.getJson(`/images/${encodeURIComponent(ref)}/json`, { allowMissing: true });
    return raw === undefined ? undefined : imageFromInspect(parseEngine(ImageInspectSchema, raw, `GET /images/${ref}/json`));
  }

  /** An image removed between its inspect and this read has no history to judge: `undefined`, and the rules that need it say so. */
  async history(id: string): Promise<ImageSpec['history']> {
    const raw = await this.client.getJson(`/images/${encodeURIComponent(id)}/history`, { allowMissing: true });
    return raw === undefined ? undefined : historyFromApi(parseEngine(HistorySchema, raw, `GET /images/${id}/history`));
  }

  async images(): Promise<v.InferOutput<typeof ImageSummarySchema>> {
    return parseEngine(ImageSummarySchema, await this.client.getJson('/images/json'), 'GET /images/json');
  }

  async volume(name: string): Promise<VolumeInspect | undefined> {
    const raw = await this.client.getJson(`/volumes/${encodeURIComponent(name)}`, { allowMissing: true });
    return raw === undefined ? undefined : parseEngine(VolumeInspectSchema, raw, `GET /volumes/${name}`);
  }

  async plugin(name: string): Promise<PluginInspect | undefined> {
    const raw = await this.client.getJson(`/plugins/${encodeURIComponent(name)}/json`, { allowMissing: true });
    return raw === undefined ? undefined : parseEngine(PluginInspectSchema, raw, `GET /plugins/${name}/json`);
  }

  networks(): Promise<NetworkSpec[]> {
    return readNetworks(this.client);
  }

  /** Section 6's counts: every container (stopped ones too) and every image, and which images no container uses. */
  async sprawl(): Promise<SprawlCounts> {
    const [all, images] = await Promise.all([this.containers(true), this.images()]);
    const used = new Set(all.map((c) => c.ImageID).filter((i): i is string => !!i));
    return {
      images: images.length,
      unusedImages: images.filter((i) => !used.has(i.Id)).length,
      containers: all.length,
      stoppedContainers: all.filter((c) => c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting').length,
    };
  }

  /** `GET /containers/{id}/changes` (drift), undefined when the container is gone. */
  changes(id: string): Promise<unknown> {
    return this.client.getJson(`/containers/${encodeURIComponent(id)}/changes`, { allowMissing: true });
  }

  /** The `X-Docker-Container-Path-Stat` header of a path in a container, undefined when the path (or container) is gone. */
  async pathStat(id: string, path: string): Promise<string | undefined> {
    const res = await this.client.request('HEAD', `/containers/${encodeURIComponent(id)}/archive?path=${encodeURIComponent(path)}`);
    if (res.status === 404) return undefined;
    return res.headers['x-docker-container-path-stat'] as string | undefined;
  }

  /** One stats sample (`one-shot` where the API has it), undefined when the container is gone. */
  stats(id: string): Promise<unknown> {
    const oneShot = compareApiVersions(this.client.apiVersion, '1.41') >= 0 ? '&one-shot=true' : '';
    return this.client.getJson(`/containers/${encodeURIComponent(id)}/stats?stream=false${oneShot}`, { allowMissing: true });
  }

  /** The event stream (`since`/`until` as the API takes them, `filters` as JSON). */
  events(query: { since?: string | number; until?: string | number; filters?: Record<string, string[]> }, opts: { signal?: AbortSignal; idleTimeoutMs?: number }): Promise<StreamResponse> {
    const params = [
      ...(query.since !== undefined ? [`since=${query.since}`] : []),
      ...(query.until !== undefined ? [`until=${query.until}`] : []),
      ...(query.filters ? [`filters=${encodeURIComponent(JSON.stringify(query.filters))}`] : []),
    ];
    return this.client.stream('GET', `/events?${params.join('&')}`, opts);
  }

  /**
   * What runs, as the agent reports it: the running containers (as `moat audit` sees them) and
   * the images they use, each once, with id, references and layers (diff ids, base first).
   */
  async running(): Promise<{ containers: RunningContainer[]; images: RunningImage[] }> {
    const summaries = parseEngine(ContainerList, await this.client.getJson('/containers/json?all=0'), 'GET /containers/json');
    const containers = summaries
      .map((c) => ({ id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), image: c.Image ?? '', ...(c.ImageID ? { imageDigest: c.ImageID } : {}), state: c.State ?? 'running' }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const ids = [...new Set(containers.map((c) => c.imageDigest).filter((i): i is string => i !== undefined))].sort();
    const found = await mapLimit(ids, READ_CONCURRENCY, async (id) => {
      const raw = await this.client.getJson(`/images/${encodeURIComponent(id)}/json`, { allowMissing: true });
      // Removed since the container list (possible when the container is removed too): nothing to report.
      if (raw === undefined) return undefined;
      const img = parseEngine(ImageInspectLayers, raw, `GET /images/${id}/json`);
      const references = [...(img.RepoTags ?? []), ...(img.RepoDigests ?? [])].filter((r) => !r.startsWith('<none>'));
      return { digest: img.Id, references, layers: img.RootFS?.Layers ?? [] } satisfies RunningImage;
    });
    return { containers, images: found.filter((i): i is RunningImage => i !== undefined) };
  }

  /** `GET /info` and `GET /version` as the engine sends them, for callers that need one raw field. */
  info(): Promise<unknown> {
    return this.client.getJson('/info');
  }

  raw(method: string, path: string, body?: unknown): Promise<RawResponse> {
    return this.client.request(method, path, body);
  }
}

/**
 * The host read at one moment, concurrently: daemon, containers (with what the rules need of
 * each), the images they run, networks and section 6's counts. Throws rather than returning
 * a partial snapshot when the engine cannot be read to the end.
 */
export async function readSnapshot(reader: EngineReader, opts: SnapshotOptions = {}): Promise<HostSnapshot> {
  const wants = opts.wants ?? {};
  const [daemon, summaries, networks, sprawl] = await Promise.all([
    reader.daemon({ hostRoot: opts.hostRoot, daemonConfigPath: opts.daemonConfigPath }),
    reader.containers(opts.all === true),
    reader.networks(),
    wants.sprawl ? reader.sprawl() : undefined,
  ]);
  const host = daemon.local ? await readHost({ root: opts.hostRoot, daemon, env: opts.env }) : undefined;
  const ids = opts.select ? opts.select(summaries) : summaries.map((c) => c.Id);
  const read = await mapLimit(ids, READ_CONCURRENCY, (id) => reader.container(id, host, wants, daemon));
  const containers = read.filter((c): c is ContainerView => c !== undefined);

  const images = new Map<string, ImageSpec>();
  if (wants.images) {
    const imageIds = [...new Set(containers.map((c) => c.container.imageId).filter((i): i is string => !!i))];
    const found = await mapLimit(imageIds, READ_CONCURRENCY, async (id) => {
      const image = await reader.image(id);
      if (image && wants.history) image.history = await reader.history(id);
      return image;
    });
    for (const img of found) if (img) images.set(img.id, img);
  }
  return { daemon, ...(host ? { host } : {}), containers, images, networks, ...(sprawl ? { sprawl } : {}) };
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
