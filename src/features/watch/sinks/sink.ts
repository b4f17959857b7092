import type { Alert } from '../alert.ts';

export interface SinkStats {
  /** Waiting to be delivered. */
  queued: number;
  delivered: number;
  /** Dropped because the queue was full while the destination was unreachable. */
  dropped: number;
  /** Delivery attempts that failed (each retry counts). */
  failures: number;
}

/** Where alerts go. `write` never blocks the watch: a sink queues, and delivers on its own time. */
export interface Sink {
  readonly name: string;
  write(alert: Alert): void;
  /** Delivers what is queued, waiting at most `timeoutMs`; resolves to how many alerts are still undelivered. */
  flush(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
  stats(): SinkStats;
}

/** One line of JSON: what every sink but syslog's framing carries. */
export function alertLine(a: Alert): string {
  return JSON.stringify(a);
}
