import { makeAlert, type Alert } from '../alert.ts';
import type { SinkStats } from './sink.ts';

export interface DeliveryOptions {
  /** Alerts held while the destination is unreachable; past this the oldest are dropped (and counted). */
  capacity: number;
  /** First retry delay; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Called with every failed attempt, for the person running the watch. */
  onFailure?: (error: Error, attempt: number) => void;
}

/** An error after which retrying the same alert is pointless (the destination refused it): it is dropped, not retried. */
export class PermanentDeliveryError extends Error {}

/**
 * In-order delivery with retries: one alert in flight at a time, retried with backoff
 * until it is delivered, so the destination sees alerts in the order they were raised and
 * none is lost while it comes back within the queue's bound. When the bound is passed the
 * oldest are dropped, and the destination is told how many, in order, before the next one.
 */
export class DeliveryQueue {
  private readonly queue: Alert[] = [];
  private head = 0;
  private running = false;
  private closed = false;
  private droppedSinceNotice = 0;
  private readonly counts = { delivered: 0, dropped: 0, failures: 0 };
  private idle: Array<() => void> = [];
  private wake: (() => void) | undefined;
  private readonly opts: DeliveryOptions;
  private readonly deliver: (a: Alert) => Promise<void>;
  private readonly where: string;

  constructor(where: string, deliver: (a: Alert) => Promise<void>, opts: DeliveryOptions) {
    this.where = where;
    this.deliver = deliver;
    this.opts = opts;
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  push(a: Alert): void {
    if (this.closed) return;
    if (this.length >= this.opts.capacity) {
      this.head++;
      this.counts.dropped++;
      this.droppedSinceNotice++;
    }
    this.queue.push(a);
    if (!this.running) void this.run();
  }

  stats(): SinkStats {
    return { queued: this.length, ...this.counts };
  }

  /** Resolves when the queue is empty or `timeoutMs` passed; returns what is left. */
  async drain(timeoutMs: number): Promise<number> {
    if (this.length === 0 && !this.running) return 0;
    // A retry waiting out its backoff is woken: on the way out, try now.
    this.wake?.();
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
    return this.length;
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    this.running = true;
    let delay = this.opts.backoffMs ?? 250;
    let attempt = 0;
    while (this.length > 0) {
      const notice = this.droppedSinceNotice > 0;
      const a = notice
        ? makeAlert({ kind: 'alerts-dropped', severity: 'high', message: `${this.droppedSinceNotice} alerts were dropped: ${this.where} was unreachable for longer than its queue of ${this.opts.capacity} could cover`, details: { dropped: this.droppedSinceNotice, where: this.where } })
        : (this.queue[this.head] as Alert);
      try {
        await this.deliver(a);
        if (notice) this.droppedSinceNotice = 0;
        // Unless the queue overflowed while it was in flight and dropped it already.
        else if (this.queue[this.head] === a) this.shift();
        this.counts.delivered++;
        delay = this.opts.backoffMs ?? 250;
        attempt = 0;
      } catch (e) {
        this.counts.failures++;
        attempt++;
        this.opts.onFailure?.(e as Error, attempt);
        if (e instanceof PermanentDeliveryError) {
          if (notice) this.droppedSinceNotice = 0;
          else if (this.queue[this.head] === a) this.shift();
          continue;
        }
        if (this.closed) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, delay);
          function done(): void {
            clearTimeout(t);
            resolve();
          }
          this.wake = done;
        });
        this.wake = undefined;
        delay = Math.min(delay * 2, this.opts.maxBackoffMs ?? 30_000);
      }
    }
    this.running = false;
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }

  private shift(): void {
    this.queue[this.head++] = undefined as unknown as Alert;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
  }
}
