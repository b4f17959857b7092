import type { EngineClient } from '../../doors/engine/client.ts';
import { EngineReader } from '../../doors/engine/reader.ts';
import { EngineError } from '../../doors/engine/errors.ts';
import { MAX_EVENT_LINE, eventDate, lines, parseEventLine, type EngineEvent } from './engine-event.ts';

/** What the follower hands on: events in order, once each, and what it knows about its own continuity. */
export type FollowItem =
  | { type: 'event'; event: EngineEvent }
  /** Connected (again). `gap` is set when continuity with the last event seen cannot be proven. */
  | { type: 'connected'; reconnect: boolean; gap?: { lastSeen?: Date; reason: string } }
  | { type: 'disconnected'; error: Error; retryInMs: number }
  /** A line the engine sent that is not an event: skipped, and said so. */
  | { type: 'bad-line'; error: Error };

export interface FollowOptions {
  signal: AbortSignal;
  /** `filters` for /events, e.g. `{ type: ['container'] }`. */
  filters?: Record<string, string[]>;
  /** First reconnect delay; doubles to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** Keys of the most recent events, to drop the ones a replay sends again. Bounded: memory stays flat. */
class RecentKeys {
  private readonly ring: string[];
  private readonly set = new Set<string>();
  private next = 0;
  constructor(size: number) {
    this.ring = new Array<string>(size).fill('');
  }
  has(k: string): boolean {
    return this.set.has(k);
  }
  add(k: string): void {
    const old = this.ring[this.next];
    if (old) this.set.delete(old);
    this.ring[this.next] = k;
    this.set.add(k);
    this.next = (this.next + 1) % this.ring.length;
  }
}

/** The engine keeps this many recent events for `since` replays (dockerd's events buffer). */
export const ENGINE_EVENT_BUFFER = 256;

/**
 * Follows `/events` for as long as `signal` allows, reconnecting after the connection
 * breaks. After a reconnect it replays from the last event seen (`since`) and drops what
 * it already handed on, so nothing is lost or repeated across short outages. The engine's
 * replay buffer is small and does not survive a daemon restart, so continuity is
 * *proven*, not assumed: the last event seen must still be in the replay. When it is not
 * (more events than the buffer holds, or dockerd restarted), `connected` carries a `gap`.
 *
 * Errors that retrying cannot fix (permission denied, an engine that refuses /events)
 * are thrown; everything else is retried with backoff.
 */
export async function* followEvents(client: EngineClient, opts: FollowOptions): AsyncGenerator<FollowItem> {
  const { signal } = opts;
  const filters = opts.filters;
  const reader = new EngineReader(client);
  const recent = new RecentKeys(ENGINE_EVENT_BUFFER * 4);
  let anchor: EngineEvent | undefined;
  let connectedOnce = false;
  let delay = opts.backoffMs ?? 200;
  const maxDelay = opts.maxBackoffMs ?? 5_000;

  while (!signal.aborted) {
    let gap: { lastSeen?: Date; reason: string } | undefined;
    let body: AsyncIterable<Buffer>;
    try {
      // Replay from a second before the anchor: `since` has second granularity on older engines.
      const since = anchor ? Number(anchor.timeNano / 1_000_000_000n) - 1 : undefined;
      if (anchor && since !== undefined) {
        if (!(await replayHolds(reader, anchor, since, filters, signal))) {
          gap = { lastSeen: eventDate(anchor), reason: `the engine no longer holds the last event Moat saw (${anchor.action} at ${eventDate(anchor).toISOString()}): dockerd restarted, or more than ${ENGINE_EVENT_BUFFER} events happened while the connection was down` };
        }
      }
      const res = await reader.events({ since, filters }, { signal });
      if (res.status !== 200) {
        res.body.resume();
        const err = new EngineError('http', `the engine refused GET /events: HTTP ${res.status}`, { status: res.status });
        if (res.status >= 400 && res.status < 500) throw err;
        throw Object.assign(err, { retry: true });
      }
      body = res.body;
    } catch (e) {
      if (signal.aborted) return;
      if (!retryable(e)) throw e;
      yield { type: 'disconnected', error: e as Error, retryInMs: delay };
      await sleep(delay, signal);
      delay = Math.min(delay * 2, maxDelay);
      continue;
    }

    yield { type: 'connected', reconnect: connectedOnce, ...(gap ? { gap } : {}) };
    connectedOnce = true;
    delay = opts.backoffMs ?? 200;
    let oversize = 0;
    try {
      for await (const line of lines(body, undefined, (n) => (oversize = n))) {
        if (oversize > 0) {
          yield { type: 'bad-line', error: new Error(`skipped an event line of ${oversize} bytes (limit ${MAX_EVENT_LINE}): a container with huge labels?`) };
          oversize = 0;
        }
        let ev: EngineEvent;
        try {
          ev = parseEventLine(line);
        } catch (e) {
          yield { type: 'bad-line', error: e as Error };
          continue;
        }
        // Replayed: older than the anchor (seen before it, in order), or seen at its instant.
        if (anchor && ev.timeNano < anchor.timeNano) continue;
        if (recent.has(ev.key)) continue;
        recent.add(ev.key);
        anchor = ev;
        yield { type: 'event', event: ev };
      }
      // The engine ended the stream (dockerd shutting down cleanly): reconnect like after a cut.
      if (signal.aborted) return;
      yield { type: 'disconnected', error: new EngineError('gone', `the engine at ${client.endpoint.display} ended the event stream`), retryInMs: delay };
    } catch (e) {
      if (signal.aborted) return;
      if (!retryable(e)) throw e;
      yield { type: 'disconnected', error: e as Error, retryInMs: delay };
    }
    await sleep(delay, signal);
  }
}

/** A bounded replay (`until` just after the anchor) that says whether the anchor is still in the engine's buffer. */
async function replayHolds(reader: EngineReader, anchor: EngineEvent, since: number, filters: Record<string, string[]> | undefined, signal: AbortSignal): Promise<boolean> {
  const until = Number(anchor.timeNano / 1_000_000_000n) + 1;
  const res = await reader.events({ since, until, filters }, { signal, idleTimeoutMs: 10_000 });
  if (res.status !== 200) {
    res.body.resume();
    throw Object.assign(new EngineError('http', `the engine refused GET /events (replay): HTTP ${res.status}`, { status: res.status }), { retry: res.status >= 500 });
  }
  let found = false;
  for await (const line of lines(res.body)) {
    if (found) continue;
    try {
      if (parseEventLine(line).key === anchor.key) found = true;
    } catch {
      // a bad line in a replay says nothing about the anchor
    }
  }
  return found;
}

function retryable(e: unknown): boolean {
  if (e instanceof EngineError) {
    if ((e as EngineError & { retry?: boolean }).retry) return true;
    return e.kind === 'gone' || e.kind === 'unreachable' || e.kind === 'timeout';
  }
  // Anything else is a bug in Moat, which retrying would only hide.
  return false;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
