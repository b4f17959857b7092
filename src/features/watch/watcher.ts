import { readExecs, readProcesses } from '../audit/audit.ts';
import { applyConfig } from '../../report/apply-config.ts';
import type { MoatConfig } from '../../doors/config/load.ts';
import { EngineClient, compareApiVersions, type ClientOptions } from '../../doors/engine/client.ts';
import { EngineError } from '../../doors/engine/errors.ts';
import { severityRank, type Finding, type Severity } from '../../models/finding.ts';
import type { ImageSpec } from '../../models/image-spec.ts';
import { runCheck } from '../../knowledge/rules/evaluate.ts';
import { allRules } from '../../knowledge/rules/index.ts';
import type { ContainerRule, Need, Rule } from '../../models/rule.ts';
import { containerFromInspect } from '../../doors/engine/container.ts';
import { execFromInspect, imageFromInspect } from '../../doors/engine/image.ts';
import { ContainerInspectSchema, ContainerSummarySchema, ExecInspectSchema, ImageInspectSchema, parseEngine } from '../../doors/engine/inspect-schema.ts';
import { mapLimit } from '../../util/concurrency.ts';
import { makeAlert, type Alert, type AlertContainer } from './alert.ts';
import { AlertBuffer } from './alert-buffer.ts';
import { ChangesSchema, changeSignature, classifyChange, describeDrift, driftSeverity, leafChanges, parsePathStat, type Change } from './drift.ts';
import { baseAction, eventDate, type EngineEvent } from './engine-event.ts';
import { describeExec, execCommandOfAction, execDetails, execSeverity, healthcheckCommands, isHealthcheckExec } from './exec.ts';
import { followEvents, type FollowItem } from './follow.ts';
import { isIgnoreExpired, matchingIgnore } from './ignore.ts';
import { NearLimit, StatsSchema, describeUsage, usageOf, type Limits } from './resources.ts';
import { RestartLoopDetector } from './restart-loop.ts';

export interface WatchOptions {
  /** An open client; otherwise one is made from `engine` (DOCKER_HOST by default) and closed on stop. */
  client?: EngineClient;
  engine?: ClientOptions;
  /** Rules judged at each container start (container rules of these); all by default. */
  rules?: readonly Rule[];
  /** moat.yaml: severity overrides and ignores for findings, and its `watch:` section. */
  config?: MoatConfig;
  /** Alerts below this are not raised (default: `watch.severity`, else `low`). */
  minSeverity?: Severity;
  /** Also judge the containers already running when the watch starts (default: only those started later). */
  scanExisting?: boolean;
  /** A restart loop is this many crash-restarts within the window (default 3 in 120 s). */
  restartLoop?: { restarts: number; windowMs: number };
  /** Percent of a memory or PIDs limit that raises a resource alert (default 90). */
  limitPercent?: number;
  statsIntervalMs?: number;
  driftIntervalMs?: number;
  /** Reconnect delays after the engine connection breaks. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Alerts held for a reader that falls behind (default 10,000). */
  bufferSize?: number;
  observer?: WatchObserver;
}

/** What the CLI's metrics and log lines are made of; every hook is optional. */
export interface WatchObserver {
  event?(e: EngineEvent): void;
  /** `latencyMs`: from the engine event to the alert, when an event caused it. */
  alert?(a: Alert, latencyMs: number | undefined): void;
  connection?(connected: boolean, detail: string): void;
  /** Something the person running the watch should know that is not an alert. */
  notice?(message: string): void;
  tracked?(containers: number): void;
}

export interface Watch extends AsyncIterable<Alert> {
  /** Stops following events, waits for work under way, and ends the iteration. */
  stop(): Promise<void>;
  /** Settles when the watch ends: rejects with the error that ended it, if one did. */
  readonly done: Promise<void>;
}

interface Tracked {
  id: string;
  name: string;
  image: string;
  running: boolean;
  healthchecks: string[];
  limits: Limits;
  /** Findings already alerted for this container: a restart must not repeat them. */
  alerted: Set<string>;
  restarts: RestartLoopDetector;
  drift: Map<string, string>;
  near: { memory: NearLimit; pids: NearLimit };
  /** Work for one container runs in event order; different containers run side by side. */
  chain: Promise<void>;
  pending: number;
  polling: { drift: boolean; stats: boolean };
}

/** Alerts that say the watch itself may be incomplete: never filtered by severity or ignores. */
const INTEGRITY = new Set(['events-missed', 'alerts-dropped']);
/** Engine work queued across all containers before events are dropped (and said to be). */
const MAX_PENDING = 10_000;
/** Path stats per container per drift poll: a container rewriting thousands of files is checked over several polls. */
const MAX_STATS_PER_POLL = 256;
/** Changed paths remembered per container. */
const MAX_DRIFT_PATHS = 10_000;
const CONCURRENCY = 4;

/**
 * `moat watch` as a library: follows the engine's events and yields an Alert for each
 * container started with a configuration a rule flags (the same rules and rule ids as
 * `moat audit`), each `docker exec` (not health checks), drift of executables and system
 * files, OOM kills, restart loops, and memory or PIDs close to their limits.
 *
 * Resolves once the event stream is open and the running containers are known, so every
 * event after it returns is seen; rejects when the engine cannot be reached then.
 * Afterwards a broken connection is retried, and a possible gap is reported as an
 * `events-missed` alert rather than papered over.
 */
export async function watch(opts: WatchOptions = {}): Promise<Watch> {
  const client = opts.client ?? (await EngineClient.connect(opts.engine));
  const ownsClient = !opts.client;
  const rules = (opts.rules ?? allRules).filter((r): r is ContainerRule => r.meta.target === 'container');
  const needs = new Set<Need>(rules.flatMap((r) => r.meta.needs ?? []));
  const watchConfig = opts.config?.watch;
  const ignores = watchConfig?.ignores ?? [];
  const minRank = severityRank(opts.minSeverity ?? watchConfig?.severity ?? 'low');
  const loop = opts.restartLoop ?? { restarts: watchConfig?.restartLoop?.restarts ?? 3, windowMs: (watchConfig?.restartLoop?.windowSeconds ?? 120) * 1000 };
  const limitPercent = opts.limitPercent ?? watchConfig?.limitPercent ?? 90;
  const statsMs = opts.statsIntervalMs ?? (watchConfig?.statsIntervalSeconds ?? 10) * 1000;
  const driftMs = opts.driftIntervalMs ?? (watchConfig?.driftIntervalSeconds ?? 30) * 1000;
  const obs = opts.observer ?? {};
  const buffer = new AlertBuffer(opts.bufferSize ?? 10_000);
  const abort = new AbortController();
  const tracked = new Map<string, Tracked>();
  const images = new Map<string, ImageSpec | undefined>();
  let pendingTotal = 0;
  let droppedEvents = 0;

  for (const ig of ignores) {
    if (isIgnoreExpired(ig, new Date())) obs.notice?.(`the watch ignore of ${ig.kind} alerts${ig.container ? ` for "${ig.container}"` : ''} expired on ${ig.expires} and no longer applies: renew or remove it`);
  }

  /** Raises the alert unless it is below the threshold or ignored; says whether it did. */
  const raise = (a: Alert, event?: EngineEvent): boolean => {
    if (!INTEGRITY.has(a.kind)) {
      if (severityRank(a.severity) < minRank) return false;
      if (matchingIgnore(a, ignores, new Date())) return false;
    }
    buffer.push(a);
    obs.alert?.(a, event ? Date.now() - Number(event.timeNano / 1_000_000n) : undefined);
    return true;
  };
  const who = (t: Tracked): AlertContainer => ({ id: t.id, name: t.name, ...(t.image ? { image: t.image } : {}) });

  const track = (id: string, name?: string): Tracked => {
    let t = tracked.get(id);
    if (!t) {
      t = {
        id,
        name: name ?? id.slice(0, 12),
        image: '',
        running: false,
        healthchecks: [],
        limits: {},
        alerted: new Set(),
        restarts: new RestartLoopDetector(loop.restarts, loop.windowMs),
        drift: new Map(),
        near: { memory: new NearLimit(limitPercent), pids: new NearLimit(limitPercent) },
        chain: Promise.resolve(),
        pending: 0,
        polling: { drift: false, stats: false },
      };
      tracked.set(id, t);
      obs.tracked?.(tracked.size);
    } else if (name) t.name = name;
    return t;
  };

  /** Runs `work` after the container's earlier work; engine errors become notices, never a dead watch. */
  const enqueue = (t: Tracked, what: string, work: () => Promise<void>): boolean => {
    if (pendingTotal >= MAX_PENDING) return false;
    pendingTotal++;
    t.pending++;
    t.chain = t.chain
      .then(work)
      .catch((e: unknown) => {
        if (abort.signal.aborted) return;
        if (e instanceof EngineError) obs.notice?.(`${what} for ${t.name}: ${e.message}`);
        else obs.notice?.(`${what} for ${t.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        pendingTotal--;
        t.pending--;
      });
    return true;
  };

  /** Inspects the container, refreshes what is known of it, and (when `judge` says so) raises its findings. */
  const inspectAndJudge = async (t: Tracked, judge: boolean | ((startedAt: string | undefined) => boolean), event?: EngineEvent): Promise<void> => {
    const raw = await client.getJson(`/containers/${encodeURIComponent(t.id)}/json`, { allowMissing: true });
    if (raw === undefined) return;
    const container = containerFromInspect(parseEngine(ContainerInspectSchema, raw, `GET /containers/${t.id}/json`));
    t.name = container.name;
    t.image = container.image;
    t.running = container.state?.running === true;
    t.healthchecks = container.healthcheck && !container.healthcheck.disabled ? healthcheckCommands(container.healthcheck.test) : [];
    t.limits = { memory: container.resources.memory || undefined, pids: container.resources.pidsLimit && container.resources.pidsLimit > 0 ? container.resources.pidsLimit : undefined };
    if (rules.length === 0 || !(typeof judge === 'function' ? judge(container.state?.startedAt) : judge)) return;
    const [processes, execs, image] = await Promise.all([
      needs.has('processes') && t.running ? readProcesses(client, container) : undefined,
      needs.has('execs') ? readExecs(client, container) : undefined,
      needs.has('image') && container.imageId ? imageOf(container.imageId) : undefined,
    ]);
    const subject = { kind: 'container' as const, id: container.id, name: container.name };
    let findings: Finding[] = rules.flatMap((r) => runCheck(r, { container, processes, execs, image }, subject).findings);
    if (opts.config) findings = applyConfig(findings, opts.config, { now: new Date(), ran: rules }).findings;
    for (const f of findings) {
      if (f.suppressed) continue;
      const key = `${f.ruleId}|${f.location?.path ?? ''}|${f.message}`;
      if (t.alerted.has(key)) continue;
      const alert = makeAlert({ kind: 'finding', severity: f.severity, message: `container ${t.name} started with a configuration ${f.ruleId} flags: ${f.message}`, container: who(t), finding: f, ...(event ? { eventTime: eventDate(event).toISOString() } : {}) });
      // Only alerts raised are remembered: one ignored until its expiry is raised at a later start.
      if (raise(alert, event)) t.alerted.add(key);
    }
  };

  const imageOf = async (id: string): Promise<ImageSpec | undefined> => {
    if (images.has(id)) return images.get(id);
    const raw = await client.getJson(`/images/${encodeURIComponent(id)}/json`, { allowMissing: true });
    const img = raw === undefined ? undefined : imageFromInspect(parseEngine(ImageInspectSchema, raw, `GET /images/${id}/json`));
    // Images are few and immutable; the map is cleared when it grows past any real host's count.
    if (images.size > 1000) images.clear();
    images.set(id, img);
    return img;
  };

  const checkDrift = async (t: Tracked): Promise<void> => {
    const raw = await client.getJson(`/containers/${encodeURIComponent(t.id)}/changes`, { allowMissing: true });
    if (raw === undefined) return;
    const changes = (parseEngine(ChangesSchema, raw, `GET /containers/${t.id}/changes`) ?? []) as Change[];
    const leaves = leafChanges(changes);
    // New paths first: they are what an intruder just wrote.
    leaves.sort((a, b) => Number(t.drift.has(a.Path)) - Number(t.drift.has(b.Path)));
    let statted = 0;
    const seen = new Set<string>();
    for (const change of leaves) {
      seen.add(change.Path);
      let stat;
      if (change.Kind !== 2) {
        if (statted >= MAX_STATS_PER_POLL) continue;
        statted++;
        const res = await client.request('HEAD', `/containers/${encodeURIComponent(t.id)}/archive?path=${encodeURIComponent(change.Path)}`);
        if (res.status === 404) continue;
        stat = parsePathStat(res.headers['x-docker-container-path-stat'] as string | undefined);
      }
      const sig = changeSignature(change, stat);
      if (t.drift.get(change.Path) === sig) continue;
      if (t.drift.size >= MAX_DRIFT_PATHS && !t.drift.has(change.Path)) continue;
      t.drift.set(change.Path, sig);
      const d = classifyChange(change, stat);
      if (d) raise(makeAlert({ kind: 'drift', severity: driftSeverity(d), message: describeDrift(d, t.name), container: who(t), details: d }));
    }
    // A path that is no longer changed (restored, or the container was recreated) can drift again.
    for (const p of t.drift.keys()) if (!seen.has(p)) t.drift.delete(p);
  };

  const checkStats = async (t: Tracked): Promise<void> => {
    if (!t.limits.memory && !t.limits.pids) return;
    const oneShot = compareApiVersions(client.apiVersion, '1.41') >= 0 ? '&one-shot=true' : '';
    const raw = await client.getJson(`/containers/${encodeURIComponent(t.id)}/stats?stream=false${oneShot}`, { allowMissing: true });
    if (raw === undefined) return;
    for (const u of usageOf(parseEngine(StatsSchema, raw, `GET /containers/${t.id}/stats`), t.limits)) {
      if (t.near[u.resource].observe(u.percent)) raise(makeAlert({ kind: 'resource', severity: 'medium', message: describeUsage(u, t.name), container: who(t), details: u }));
    }
  };

  const onExec = async (t: Tracked, ev: EngineEvent): Promise<void> => {
    const command = execCommandOfAction(ev.action);
    if (isHealthcheckExec(command, t.healthchecks)) return;
    const execId = ev.attributes.execID ?? '';
    const raw = execId ? await client.getJson(`/exec/${encodeURIComponent(execId)}/json`, { allowMissing: true }) : undefined;
    const info = raw === undefined ? undefined : execFromInspect(parseEngine(ExecInspectSchema, raw, `GET /exec/${execId}/json`));
    const d = execDetails(execId, command, info);
    raise(makeAlert({ kind: 'exec', severity: execSeverity(d), message: describeExec(d, t.name), container: who(t), details: d, eventTime: eventDate(ev).toISOString() }), ev);
  };

  const handle = (ev: EngineEvent): void => {
    obs.event?.(ev);
    if (ev.type !== 'container') return;
    const action = baseAction(ev.action);
    const name = ev.attributes.name;
    if (action === 'destroy') {
      const t = tracked.get(ev.actorId);
      if (t) {
        tracked.delete(ev.actorId);
        obs.tracked?.(tracked.size);
      }
      return;
    }
    const t = track(ev.actorId, name);
    if (ev.attributes.image && !t.image) t.image = ev.attributes.image;
    let ok = true;
    switch (action) {
      case 'start': {
        t.running = true;
        const restarts = t.restarts.start(Number(ev.timeNano / 1_000_000n));
        if (restarts !== undefined) {
          raise(
            makeAlert({
              kind: 'restart-loop',
              severity: 'medium',
              message: `${t.name} is in a restart loop: ${restarts} crash-restarts within ${loop.windowMs / 1000} s (last exit code ${t.restarts.lastExitCode ?? 'unknown'})`,
              container: who(t),
              details: { restarts, windowSeconds: loop.windowMs / 1000, ...(t.restarts.lastExitCode !== undefined ? { lastExitCode: t.restarts.lastExitCode } : {}) },
              eventTime: eventDate(ev).toISOString(),
            }),
            ev,
          );
        }
        ok = enqueue(t, 'judging the started container', () => inspectAndJudge(t, true, ev));
        break;
      }
      case 'kill':
      case 'stop':
        t.restarts.kill();
        break;
      case 'die':
        t.running = false;
        t.restarts.die(Number(ev.attributes.exitCode ?? '0'));
        break;
      case 'oom':
        // After the start's inspect, on the same queue: the message can then name the limit.
        ok = enqueue(t, 'reporting the OOM kill', async () => {
          raise(makeAlert({ kind: 'oom', severity: 'medium', message: `${t.name} was killed by the kernel for running out of memory (its memory limit${t.limits.memory ? ` of ${(t.limits.memory / 1024 / 1024).toFixed(0)} MiB` : ''})`, container: who(t), details: {}, eventTime: eventDate(ev).toISOString() }), ev);
        });
        break;
      case 'exec_start':
        ok = enqueue(t, 'reading the exec', () => onExec(t, ev));
        break;
      case 'exec_die':
      case 'extract-to-dir':
        // Something may just have written into the container: look now rather than at the next poll.
        if (!t.polling.drift) {
          t.polling.drift = true;
          ok = enqueue(t, 'checking drift', () => checkDrift(t).finally(() => (t.polling.drift = false)));
        }
        break;
    }
    if (!ok) droppedEvents++;
  };

  const pollAll = (kind: 'drift' | 'stats'): void => {
    for (const t of tracked.values()) {
      if (!t.running || t.polling[kind]) continue;
      t.polling[kind] = true;
      const work = kind === 'drift' ? () => checkDrift(t) : () => checkStats(t);
      if (!enqueue(t, kind === 'drift' ? 'checking drift' : 'reading stats', () => work().finally(() => (t.polling[kind] = false)))) t.polling[kind] = false;
    }
  };

  /** The running containers, tracked; judged when `judge` says so (their start may have been missed). */
  const syncRunning = async (judge: boolean | ((startedAt: string | undefined) => boolean)): Promise<void> => {
    const list = parseEngine(ContainerSummarySchema, await client.getJson('/containers/json'), 'GET /containers/json');
    const running = new Set(list.map((c) => c.Id));
    for (const t of tracked.values()) if (!running.has(t.id)) t.running = false;
    await mapLimit(list, CONCURRENCY, async (c) => {
      const t = track(c.Id, c.Names?.[0]?.replace(/^\//, ''));
      await inspectAndJudge(t, judge);
    });
  };

  // Pump the follower eagerly: dockerd drops events for a subscriber that reads slowly, so
  // reading never waits for engine look-ups (those run in per-container chains).
  const items = followEvents(client, { signal: abort.signal, filters: { type: ['container'] }, backoffMs: opts.backoffMs, maxBackoffMs: opts.maxBackoffMs });
  let firstConnected!: () => void;
  let firstFailed!: (e: unknown) => void;
  const connected = new Promise<void>((resolve, reject) => {
    firstConnected = resolve;
    firstFailed = reject;
  });
  let started = false;
  let outage: string | undefined;

  const onItem = async (item: FollowItem): Promise<void> => {
    switch (item.type) {
      case 'event':
        handle(item.event);
        if (droppedEvents > 0 && pendingTotal < MAX_PENDING / 2) {
          const n = droppedEvents;
          droppedEvents = 0;
          raise(makeAlert({ kind: 'events-missed', severity: 'high', message: `Moat fell behind the engine and skipped ${n} container event${n > 1 ? 's' : ''}: the engine answered too slowly for the event rate`, details: { reason: `${n} events skipped: more than ${MAX_PENDING} engine look-ups were waiting` } }));
        }
        return;
      case 'connected':
        if (!started) {
          started = true;
          firstConnected();
          return;
        }
        obs.connection?.(true, `reconnected to ${client.endpoint.display}${outage ? ` after: ${outage}` : ''}`);
        outage = undefined;
        if (item.gap) {
          raise(makeAlert({ kind: 'events-missed', severity: 'high', message: `events may have been missed while the connection to the engine was down: ${item.gap.reason}; running containers were checked again`, details: { ...(item.gap.lastSeen ? { lastSeen: item.gap.lastSeen.toISOString() } : {}), reason: item.gap.reason } }));
          // A container started in the gap was never judged: judge those started since the last event seen (all, when that is unknown).
          const since = item.gap.lastSeen?.getTime();
          const startedInGap = (startedAt: string | undefined): boolean => since === undefined || startedAt === undefined || !(Date.parse(startedAt) < since);
          await syncRunning(startedInGap).catch((e: unknown) => obs.notice?.(`re-reading the running containers after the gap failed: ${(e as Error).message}`));
        }
        return;
      case 'disconnected':
        if (!started) {
          firstFailed(item.error);
          return;
        }
        if (outage === undefined) obs.connection?.(false, `lost the event stream from ${client.endpoint.display}: ${item.error.message}; retrying`);
        outage = item.error.message;
        return;
      case 'bad-line':
        obs.notice?.(`skipped an event the engine sent: ${item.error.message}`);
        return;
    }
  };

  const pump = (async () => {
    for await (const item of items) {
      await onItem(item);
      if (!started && item.type === 'disconnected') return;
    }
  })();
  let stopping = false;
  const done = pump.then(
    async () => {
      await Promise.all([...tracked.values()].map((t) => t.chain));
      buffer.close();
    },
    (e: unknown) => {
      buffer.close(e);
      firstFailed(e);
      throw e;
    },
  );
  done.catch(() => undefined);

  const timers: NodeJS.Timeout[] = [];
  const stop = async (): Promise<void> => {
    if (stopping) return done.catch(() => undefined);
    stopping = true;
    for (const t of timers) clearInterval(t);
    abort.abort();
    await done.catch(() => undefined);
    if (ownsClient) client.close();
  };

  try {
    await connected;
    await syncRunning(opts.scanExisting === true);
  } catch (e) {
    await stop();
    throw e;
  }
  timers.push(setInterval(() => pollAll('drift'), driftMs), setInterval(() => pollAll('stats'), statsMs));
  // Drift that is already there is drift: look once at the start, not only after the first interval.
  pollAll('drift');
  pollAll('stats');

  return {
    stop,
    done,
    [Symbol.asyncIterator]: () => buffer[Symbol.asyncIterator](),
  };
}
