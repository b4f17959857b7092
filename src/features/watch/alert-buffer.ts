import { makeAlert, type Alert } from './alert.ts';

/**
 * The alerts waiting for the consumer of `watch()`. Bounded, so a consumer that stops
 * reading cannot grow Moat without end: past `capacity` the oldest are dropped, counted,
 * and the consumer is told how many before it gets the next alert.
 */
export class AlertBuffer implements AsyncIterable<Alert> {
  private items: Alert[] = [];
  private head = 0;
  private dropped = 0;
  private waiter: ((r: IteratorResult<Alert>) => void) | undefined;
  private failWaiter: ((e: unknown) => void) | undefined;
  private closed = false;
  private error: unknown;
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  push(alert: Alert): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failWaiter = undefined;
      w({ value: alert, done: false });
      return;
    }
    if (this.length >= this.capacity) {
      this.head++;
      this.dropped++;
    }
    this.items.push(alert);
    // Compact now and then rather than shifting on every read.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Ends iteration once what is buffered has been read; with an error, iteration then throws it. */
  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    if (this.length === 0 && this.waiter) {
      const w = this.waiter;
      const f = this.failWaiter;
      this.waiter = this.failWaiter = undefined;
      if (error !== undefined) f?.(error);
      else w({ value: undefined, done: true });
    }
  }

  private next(): Promise<IteratorResult<Alert>> {
    if (this.dropped > 0) {
      const n = this.dropped;
      this.dropped = 0;
      return Promise.resolve({
        value: makeAlert({ kind: 'alerts-dropped', severity: 'high', message: `${n} alert${n > 1 ? 's were' : ' was'} dropped because the reader of moat watch fell more than ${this.capacity} alerts behind`, details: { dropped: n, where: 'watch buffer' } }),
        done: false,
      });
    }
    if (this.length > 0) {
      const value = this.items[this.head] as Alert;
      this.items[this.head++] = undefined as unknown as Alert;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return this.error !== undefined ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<Alert> {
    return { next: () => this.next() };
  }
}
