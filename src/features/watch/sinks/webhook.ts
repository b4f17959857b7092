import { maskText, maskUrl } from '../../../util/secrets/mask.ts';
import { MoatError } from '../../../util/errors.ts';
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

/** The URL as it may be shown: a password masked, the query (tokens travel there) left out. */
export function displayUrl(u: URL): string {
  return maskUrl(u);
}

/**
 * fetch refuses a URL with credentials in it (and its error repeats the URL, password and
 * all), so `https://user:pw@host/hook` becomes the bare URL and an `Authorization: Basic`
 * header, as curl and browsers send it.
 */
export function webhookTarget(u: URL): { url: URL; headers: Record<string, string> } {
  if (!u.username && !u.password) return { url: u, headers: {} };
  const bare = new URL(u.href);
  bare.username = '';
  bare.password = '';
  const basic = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  return { url: bare, headers: { authorization: `Basic ${basic}` } };
}

export function parseWebhookUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new MoatError('usage', `--webhook "${maskText(raw).slice(0, 80)}" is not a URL: use http://HOST:PORT/PATH or https://...`);
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
  const given = parseWebhookUrl(opts.url);
  const shown = displayUrl(given);
  const { url, headers: auth } = webhookTarget(given);
  const secrets = [given.password, decodeURIComponent(given.password)].filter((p) => p.length > 0);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deliver = async (a: Alert): Promise<void> => {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'moat-watch', ...auth }, body: alertLine(a), signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new Error(`webhook ${shown}: ${cause ?? maskText((e as Error).message, secrets)}`);
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
