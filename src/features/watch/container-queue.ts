/**
 * The watch's per-container queue: what is known of each container the engine reported, and
 * the engine work for it run in event order (one chain per container; containers side by
 * side). The queue is bounded across all containers: past the bound an event is dropped and
 * counted, so the watch says it fell behind rather than growing without limit.
 */
import { EngineError } from '../../doors/engine/errors.ts';
import type { AlertContainer } from './alert.ts';
import { NearLimit, type Limits } from './resources.ts';
import { RestartLoopDetector } from './restart-loop.ts';

export interface Tracked {
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

/** Engine work queued across all containers before events are dropped (and said to be). */
export const MAX_PENDING = 10_000;

export interface QueueSettings {
  restartLoop: { restarts: number; windowMs: number };
  limitPercent: number;
  signal: AbortSignal;
  notice?: (message: string) => void;
  trackedCount?: (containers: number) => void;
}

export class ContainerQueue {
  readonly #tracked = new Map<string, Tracked>();
  readonly #settings: QueueSettings;
  #pendingTotal = 0;
  /** Events dropped since the last time the watch said so. */
  dropped = 0;

  constructor(settings: QueueSettings) {
    this.#settings = settings;
  }

  get pendingTotal(): number {
    return this.#pendingTotal;
  }

  values(): IterableIterator<Tracked> {
    return this.#tracked.values();
  }

  /** The container, tracked from now on; its name refreshed when the event carries one. */
  track(id: string, name?: string): Tracked {
    let t = this.#tracked.get(id);
    if (!t) {
      const { restartLoop, limitPercent } = this.#settings;
      t = {
        id,
        name: name ?? id.slice(0, 12),
        image: '',
        running: false,
        healthchecks: [],
        limits: {},
        alerted: new Set(),
        restarts: new RestartLoopDetector(restartLoop.restarts, restartLoop.windowMs),
        drift: new Map(),
        near: { memory: new NearLimit(limitPercent), pids: new NearLimit(limitPercent) },
        chain: Promise.resolve(),
        pending: 0,
        polling: { drift: false, stats: false },
      };
      this.#tracked.set(id, t);
      this.#settings.trackedCount?.(this.#tracked.size);
    } else if (name) t.name = name;
    return t;
  }

  forget(id: string): void {
    if (this.#tracked.delete(id)) this.#settings.trackedCount?.(this.#tracked.size);
  }

  /** Runs `work` after the container's earlier work; engine errors become notices, never a dead watch. False when the queue is full. */
  enqueue(t: Tracked, what: string, work: () => Promise<void>): boolean {
    if (this.#pendingTotal >= MAX_PENDING) return false;
    this.#pendingTotal++;
    t.pending++;
    const { signal, notice } = this.#settings;
    t.chain = t.chain
      .then(work)
      .catch((e: unknown) => {
        if (signal.aborted) return;
        if (e instanceof EngineError) notice?.(`${what} for ${t.name}: ${e.message}`);
        else notice?.(`${what} for ${t.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        this.#pendingTotal--;
        t.pending--;
      });
    return true;
  }

  /** Settles when every container's queued work has. */
  async settled(): Promise<void> {
    await Promise.all([...this.#tracked.values()].map((t) => t.chain));
  }
}

export function who(t: Tracked): AlertContainer {
  return { id: t.id, name: t.name, ...(t.image ? { image: t.image } : {}) };
}
