/**
 * The watch's pollers: drift (files changed in a running container's writable layer) and
 * resource use close to a limit, read through the one engine reader on each container's queue.
 */
import type { EngineReader } from '../../doors/engine/reader.ts';
import { parseEngine } from '../../doors/engine/inspect-schema.ts';
import { makeAlert } from './alert.ts';
import { who, type ContainerQueue, type Tracked } from './container-queue.ts';
import { ChangesSchema, changeSignature, classifyChange, describeDrift, driftSeverity, leafChanges, parsePathStat, type Change } from './drift.ts';
import type { Raise } from './judge.ts';
import { StatsSchema, describeUsage, usageOf } from './resources.ts';

/** Path stats per container per drift poll: a container rewriting thousands of files is checked over several polls. */
const MAX_STATS_PER_POLL = 256;
/** Changed paths remembered per container. */
const MAX_DRIFT_PATHS = 10_000;

export class Pollers {
  readonly #reader: EngineReader;
  readonly #queue: ContainerQueue;
  readonly #raise: Raise;

  constructor(reader: EngineReader, queue: ContainerQueue, raise: Raise) {
    this.#reader = reader;
    this.#queue = queue;
    this.#raise = raise;
  }

  /** Queues one poll of `kind` for every running container that has none under way. */
  pollAll(kind: 'drift' | 'stats'): void {
    for (const t of this.#queue.values()) this.poll(t, kind);
  }

  /** Queues one poll of `kind` for the container unless one is under way; false when the queue is full. */
  poll(t: Tracked, kind: 'drift' | 'stats', evenIfStopped = false): boolean {
    if ((!t.running && !evenIfStopped) || t.polling[kind]) return true;
    t.polling[kind] = true;
    const work = kind === 'drift' ? () => this.checkDrift(t) : () => this.checkStats(t);
    const queued = this.#queue.enqueue(t, kind === 'drift' ? 'checking drift' : 'reading stats', () => work().finally(() => (t.polling[kind] = false)));
    if (!queued) t.polling[kind] = false;
    return queued;
  }

  async checkDrift(t: Tracked): Promise<void> {
    const raw = await this.#reader.changes(t.id);
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
        const header = await this.#reader.pathStat(t.id, change.Path);
        if (header === undefined) continue;
        stat = parsePathStat(header);
      }
      const sig = changeSignature(change, stat);
      if (t.drift.get(change.Path) === sig) continue;
      if (t.drift.size >= MAX_DRIFT_PATHS && !t.drift.has(change.Path)) continue;
      t.drift.set(change.Path, sig);
      const d = classifyChange(change, stat);
      if (d) this.#raise(makeAlert({ kind: 'drift', severity: driftSeverity(d), message: describeDrift(d, t.name), container: who(t), details: d }));
    }
    // A path that is no longer changed (restored, or the container was recreated) can drift again.
    for (const p of t.drift.keys()) if (!seen.has(p)) t.drift.delete(p);
  }

  async checkStats(t: Tracked): Promise<void> {
    if (!t.limits.memory && !t.limits.pids) return;
    const raw = await this.#reader.stats(t.id);
    if (raw === undefined) return;
    for (const u of usageOf(parseEngine(StatsSchema, raw, `GET /containers/${t.id}/stats`), t.limits)) {
      if (t.near[u.resource].observe(u.percent)) this.#raise(makeAlert({ kind: 'resource', severity: 'medium', message: describeUsage(u, t.name), container: who(t), details: u }));
    }
  }
}
