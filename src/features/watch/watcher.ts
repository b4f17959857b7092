import type { MoatConfig } from '../../doors/config/load.ts';
import { EngineClient, type ClientOptions } from '../../doors/engine/client.ts';
import { severityRank, type Severity } from '../../models/finding.ts';
import { allRules } from '../../knowledge/rules/index.ts';
import type { ContainerRule, Rule } from '../../models/rule.ts';
import { EngineReader } from '../../doors/engine/reader.ts';
import { mapLimit } from '../../util/concurrency.ts';
import { makeAlert, type Alert } from './alert.ts';
import { AlertBuffer } from './alert-buffer.ts';
import { baseAction, eventDate, type EngineEvent } from './engine-event.ts';
import { followEvents, type FollowItem } from './follow.ts';
import { isIgnoreExpired, matchingIgnore } from './ignore.ts';
import { ContainerQueue, MAX_PENDING, who } from './container-queue.ts';
import { ContainerJudge, type JudgeWhen } from './judge.ts';
import { Pollers } from './pollers.ts';

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


/** Alerts that say the watch itself may be incomplete: never filtered by severity or ignores. */
const INTEGRITY = new Set(['events-missed', 'alerts-dropped']);
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
  const reader = new EngineReader(client);
  const rules = (opts.rules ?? allRules).filter((r): r is ContainerRule => r.meta.target === 'container');
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
  const queue = new ContainerQueue({ restartLoop: loop, limitPercent, signal: abort.signal, notice: obs.notice, trackedCount: obs.tracked });

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
  const judge = new ContainerJudge(reader, rules, opts.config, raise);
  const pollers = new Pollers(reader, queue, raise);








  const handle = (ev: EngineEvent): void => {
    obs.event?.(ev);
    if (ev.type !== 'container') return;
    const action = baseAction(ev.action);
    const name = ev.attributes.name;
    if (action === 'destroy') {
      queue.forget(ev.actorId);
      return;
    }
    const t = queue.track(ev.actorId, name);
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
        ok = queue.enqueue(t, 'judging the started container', () => judge.inspectAndJudge(t, true, ev));
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
        ok = queue.enqueue(t, 'reporting the OOM kill', async () => {
          raise(makeAlert({ kind: 'oom', severity: 'medium', message: `${t.name} was killed by the kernel for running out of memory (its memory limit${t.limits.memory ? ` of ${(t.limits.memory / 1024 / 1024).toFixed(0)} MiB` : ''})`, container: who(t), details: {}, eventTime: eventDate(ev).toISOString() }), ev);
        });
        break;
      case 'exec_start':
        ok = queue.enqueue(t, 'reading the exec', () => judge.onExec(t, ev));
        break;
      case 'exec_die':
      case 'extract-to-dir':
        // Something may just have written into the container: look now rather than at the next poll.
        ok = pollers.poll(t, 'drift', true);
        break;
    }
    if (!ok) queue.dropped++;
  };


  /** The running containers, tracked; judged when `judge` says so (their start may have been missed). */
  const syncRunning = async (when: JudgeWhen): Promise<void> => {
    const list = await reader.containers(false);
    const running = new Set(list.map((c) => c.Id));
    for (const t of queue.values()) if (!running.has(t.id)) t.running = false;
    await mapLimit(list, CONCURRENCY, async (c) => {
      const t = queue.track(c.Id, c.Names?.[0]?.replace(/^\//, ''));
      await judge.inspectAndJudge(t, when);
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
        if (queue.dropped > 0 && queue.pendingTotal < MAX_PENDING / 2) {
          const n = queue.dropped;
          queue.dropped = 0;
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
      await queue.settled();
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
    await judge.readHostFacts();
    await syncRunning(opts.scanExisting === true);
  } catch (e) {
    await stop();
    throw e;
  }
  timers.push(setInterval(() => pollers.pollAll('drift'), driftMs), setInterval(() => pollers.pollAll('stats'), statsMs));
  // Drift that is already there is drift: look once at the start, not only after the first interval.
  pollers.pollAll('drift');
  pollers.pollAll('stats');

  return {
    stop,
    done,
    [Symbol.asyncIterator]: () => buffer[Symbol.asyncIterator](),
  };
}
