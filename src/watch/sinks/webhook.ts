import { MoatError } from '../../util/errors.ts';
import type { Alert } from '../alert.ts';
import { DeliveryQueue, PermanentDeliveryError } from './delivery-queue.ts';
import { alertLine, type Sink } from './sink.ts';

export interface WebhookOptions {
  url: string;
  /** Alerts held while the endpoint is down (default 1000). */
  queue?: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  onFailure?: (message: string) => void;
}

/** The URL as it may be shown: a password or token in it is masked. */
export function displayUrl(u: URL): string {
  const shown = new URL(u.href);
  if (shown.password) shown.password = '****';
  if (shown.search) shown.search = '?…';
  return shown.href;
}

export function parseWebhookUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new MoatError('usage', `--webhook "${raw.slice(0, 80)}" is not a URL: use http://HOST:PORT/PATH or https://...`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new MoatError('usage', `--webhook must be an http:// or https:// URL, not ${u.protocol}//`);
  return u;
}

/**
 * POSTs each alert as one JSON document, in order, one at a time. A network error, a 5xx,
 * 408 or 429 is retried with backoff (the alert stays at the head of the queue); any other
 * 4xx means the endpoint will never take this alert, so it is dropped and counted.
 */
export function webhookSink(opts: WebhookOptions): Sink {
  const url = parseWebhookUrl(opts.url);
  const shown = displayUrl(url);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deliver = async (a: Alert): Promise<void> => {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'moat-watch' }, body: alertLine(a), signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new Error(`webhook ${shown}: ${cause ?? (e as Error).message}`);
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return;
    const msg = `webhook ${shown} answered HTTP ${res.status}`;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new PermanentDeliveryError(`${msg}: the alert was dropped (the endpoint refuses it; check its URL and what it accepts)`);
    throw new Error(msg);
  };
  const q = new DeliveryQueue(`webhook ${shown}`, deliver, {
    capacity: opts.queue ?? 1000,
    backoffMs: opts.backoffMs,
    maxBackoffMs: opts.maxBackoffMs,
    onFailure: (e, attempt) => opts.onFailure?.(`${e.message}${e instanceof PermanentDeliveryError ? '' : ` (attempt ${attempt}; retrying, ${q.length} queued)`}`),
  });
  return {
    name: `webhook ${shown}`,
    write: (a) => q.push(a),
    flush: (t) => q.drain(t),
    close: async () => q.close(),
    stats: () => q.stats(),
  };
}
