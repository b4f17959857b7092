import type * as httpT from 'node:http';
import type * as httpsT from 'node:https';
import { http, https } from '../../util/node-http.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError } from './errors.ts';

/**
 * HTTP for the registry client, over node:http/https (the engine client's choice, for the
 * same start-up reason; docs/dependencies.md has the throughput measured against fetch).
 * What it adds: redirects that never carry credentials to another origin, retries with
 * bounded backoff on 429/5xx and on connections lost before an answer, one timeout for
 * silence (connecting, waiting, or a body that stalls), and errors a person can act on.
 */

export interface TlsSettings {
  ca?: string[];
  cert?: Buffer;
  key?: Buffer;
  /** False only for registries the user listed as insecure (dockerd's meaning). */
  verify: boolean;
  /** Where the CA came from, to name in certificate errors. */
  caFiles?: string[];
}

export interface RetryPolicy {
  /** Retries after the first try (so attempts = retries + 1). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 8_000 };
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const MAX_REDIRECTS = 5;

export interface TransportOptions {
  /** Longest silence tolerated on a connection: connecting, awaiting headers, or mid-body. */
  timeoutMs: number;
  retry: RetryPolicy;
  signal?: AbortSignal;
  tlsFor(hostPort: string): TlsSettings;
  agents: { http: httpT.Agent; https: httpsT.Agent };
}

export interface SendRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Sent only while the request stays on this origin (`https://host:port`). */
  authorization?: { origin: string; value: string };
  /** Named in errors: "the manifest of 127.0.0.1:5000/app:1". */
  what: string;
}

export function createAgents(): { http: httpT.Agent; https: httpsT.Agent } {
  return { http: new http.Agent({ keepAlive: true, maxSockets: 8 }), https: new (https().Agent)({ keepAlive: true, maxSockets: 8 }) };
}

/**
 * Sends a request, following redirects and retrying as the policy allows, and resolves
 * with the final response (any status: the caller judges it). The body is unread.
 */
export async function send(req: SendRequest, t: TransportOptions): Promise<httpT.IncomingMessage> {
  for (let attempt = 0; ; attempt++) {
    let res: httpT.IncomingMessage;
    try {
      res = await followRedirects(req, t);
    } catch (e) {
      if (e instanceof RegistryError && e.code === 'unreachable' && isTransient(e) && attempt < t.retry.retries) {
        await backoff(attempt, undefined, t);
        continue;
      }
      throw e;
    }
    const status = res.statusCode ?? 0;
    if (!RETRY_STATUSES.has(status) || attempt >= t.retry.retries) return res;
    res.resume();
    await backoff(attempt, res.headers['retry-after'], t);
  }
}

function isTransient(e: RegistryError): boolean {
  const code = (e.cause as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED';
}

async function backoff(attempt: number, retryAfter: string | string[] | undefined, t: TransportOptions): Promise<void> {
  let ms = Math.min(t.retry.maxDelayMs, t.retry.baseDelayMs * 2 ** attempt);
  ms = ms * (0.8 + Math.random() * 0.4);
  const ra = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  if (ra !== undefined) {
    const seconds = /^\d+$/.test(ra.trim()) ? Number(ra) : (Date.parse(ra) - Date.now()) / 1000;
    if (Number.isFinite(seconds) && seconds > 0) ms = Math.max(ms, seconds * 1000);
  }
  // Bounded whatever the server asks: a registry that wants minutes gets an error instead.
  ms = Math.min(ms, t.retry.maxDelayMs);
  try {
    await sleep(ms, undefined, { signal: t.signal });
  } catch {
    throw new RegistryError('aborted', 'reading from the registry was cancelled');
  }
}

async function followRedirects(req: SendRequest, t: TransportOptions): Promise<httpT.IncomingMessage> {
  let url = req.url;
  for (let hop = 0; ; hop++) {
    const sameOrigin = req.authorization !== undefined && url.origin === req.authorization.origin;
    const headers: Record<string, string> = { 'User-Agent': 'moat', ...req.headers };
    if (sameOrigin) headers.Authorization = req.authorization!.value;
    const res = await once(req.method, url, headers, hop === 0 ? req.body : undefined, req.what, t);
    const status = res.statusCode ?? 0;
    if (![301, 302, 303, 307, 308].includes(status) || req.method === 'POST') return res;
    res.resume();
    const location = res.headers.location;
    if (!location) throw new RegistryError('protocol', `${url.host} answered HTTP ${status} for ${req.what} without a Location to follow`, { status });
    if (hop >= MAX_REDIRECTS) throw new RegistryError('protocol', `${req.what}: more than ${MAX_REDIRECTS} redirects (last to ${new URL(location, url).host}); giving up`);
    const next = new URL(location, url);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new RegistryError('protocol', `${url.host} redirected ${req.what} to a ${next.protocol} URL, which Moat does not follow`);
    // A registry on https must not be able to move its content onto plain http.
    if (url.protocol === 'https:' && next.protocol === 'http:') throw new RegistryError('protocol', `${url.host} redirected ${req.what} from https to plain http (${next.host}); Moat does not follow a downgrade`);
    url = next;
  }
}

function once(method: string, url: URL, headers: Record<string, string>, body: Buffer | undefined, what: string, t: TransportOptions): Promise<httpT.IncomingMessage> {
  const secure = url.protocol === 'https:';
  const tls = secure ? t.tlsFor(url.host) : undefined;
  return new Promise((resolve, reject) => {
    let response: httpT.IncomingMessage | undefined;
    const options: httpsT.RequestOptions = {
      method,
      headers: body ? { ...headers, 'Content-Length': String(body.length) } : headers,
      agent: secure ? t.agents.https : t.agents.http,
      signal: t.signal,
      ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.verify } : {}),
    };
    const req = (secure ? https() : http).request(url, options, (res) => {
      response = res;
      res.on('error', () => undefined); // reported to whoever reads the body
      resolve(res);
    });
    req.setTimeout(t.timeoutMs, () => {
      const err = new RegistryError('timeout', `${url.host} went silent for ${t.timeoutMs} ms ${response ? 'while sending' : 'before answering'} ${what}: the registry or the network is stalled; try again or raise the timeout`);
      response?.destroy(err);
      req.destroy(err);
    });
    req.on('error', (e) => {
      if (!response) reject(networkError(e, url, what, tls));
    });
    req.end(body);
  });
}

const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** Whether a failed https attempt met a server that speaks plain HTTP (so http is worth trying). */
export function isPlainHttpServer(e: unknown): boolean {
  return e instanceof RegistryError && e.code === 'tls' && /does not speak TLS/.test(e.message);
}

/** Maps socket and TLS failures to one-line errors; `what` says what was being fetched. */
export function networkError(e: Error, url: URL, what: string, tls?: TlsSettings): RegistryError {
  if (e instanceof RegistryError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const host = url.host;
  if (e.name === 'AbortError' || code === 'ABORT_ERR') return new RegistryError('aborted', `reading ${what} from ${host} was cancelled`, { cause: e });
  if (code === 'ECONNREFUSED') return new RegistryError('unreachable', `cannot connect to ${host} (connection refused) for ${what}: is the registry running, and is the port right?`, { cause: e });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return new RegistryError('unreachable', `cannot resolve the registry host ${url.hostname} for ${what}: check the name and the DNS`, { cause: e });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') return new RegistryError('unreachable', `cannot reach ${host} for ${what} (${code}): check the network route to the registry`, { cause: e });
  if (code === 'ECONNRESET' || code === 'EPIPE' || e.message === 'socket hang up') return new RegistryError('unreachable', `${host} closed the connection before answering ${what}: the registry or a proxy dropped it`, { cause: e });
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return new RegistryError('tls', `the TLS certificate of ${host} is not valid for the name ${url.hostname}: ${e.message.split('\n')[0]}`, { cause: e });
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return new RegistryError('tls', `the TLS certificate of ${host} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'}: renew it on the registry`, { cause: e });
  if (TLS_TRUST_CODES.has(code)) {
    const where = tls?.caFiles?.length ? ` (the CA in ${tls.caFiles.join(', ')} did not sign it)` : '';
    return new RegistryError('tls', `the TLS certificate of ${host} is not trusted (${code})${where}: put the registry's CA in /etc/docker/certs.d/${host}/ca.crt, or list ${host} as an insecure registry`, { cause: e });
  }
  if (/alert (bad certificate|certificate required|unknown ca)/i.test(e.message)) {
    return new RegistryError('tls', `${host} refused the TLS handshake over the client certificate (${/alert ([a-z ]+)/i.exec(e.message)?.[1] ?? 'alert'}): it wants one it trusts; put client.cert and client.key in /etc/docker/certs.d/${host}/`, { cause: e });
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_')) {
    if (/wrong version number|packet length too long|http request/i.test(e.message)) {
      return new RegistryError('tls', `${host} does not speak TLS on this port (it looks like plain HTTP): list ${host} as an insecure registry to use http`, { cause: e });
    }
    return new RegistryError('tls', `TLS handshake with ${host} failed: ${opensslReason(e.message)}`, { cause: e });
  }
  return new RegistryError('unreachable', `cannot talk to ${host} for ${what}: ${e.message.split('\n')[0]}`, { cause: e });
}

/** OpenSSL's `40FD…:error:0A000412:SSL routines:fn:reason:file:line:` → `reason`. */
function opensslReason(message: string): string {
  const first = message.split('\n')[0]!;
  const m = /:SSL routines:[^:]*:([^:]+)/.exec(first);
  return m ? m[1]! : first;
}

/** Reads a whole (small) body, refusing more than `limit` bytes. */
export async function readBody(res: httpT.IncomingMessage, limit: number, what: string, host: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.destroy();
    throw new RegistryError('too-large', `${what} from ${host} is ${declared} bytes, over Moat's limit of ${limit}; refusing to read it`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) {
        res.destroy();
        throw new RegistryError('too-large', `${what} from ${host} exceeds Moat's limit of ${limit} bytes; stopped reading`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    throw bodyError(e, what, host, total);
  }
  return Buffer.concat(chunks);
}

/** A body that broke off mid-way, in words. */
export function bodyError(e: unknown, what: string, host: string, bytes: number): RegistryError {
  if (e instanceof RegistryError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.name === 'AbortError') return new RegistryError('aborted', `reading ${what} from ${host} was cancelled`, { cause: e });
  return new RegistryError('unreachable', `the connection to ${host} broke after ${bytes} bytes of ${what} (${err.code ?? err.message}); nothing partial is used`, { cause: e });
}
