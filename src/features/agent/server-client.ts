import type { IncomingHttpHeaders } from 'node:http';
import { readFileSync } from 'node:fs';
import { maskText, maskUrl } from '../../util/secrets/mask.ts';
import { http, https } from '../../util/node-http.ts';
import { MoatError } from '../../util/errors.ts';
import { TOOL_VERSION } from '../../version.ts';

/** How an answer from the server is to be treated. */
export type Outcome =
  /** 2xx: stored, or already held (a replay). */
  | { kind: 'ok'; status: number; body: unknown }
  /** No answer, a 5xx, 408 or 429: try again later, keep the document. */
  | { kind: 'retry'; status?: number; message: string; retryAfterMs?: number }
  /** 401 or 403: the token is wrong, expired or not this host's; 404/405: --server is not a moat server. Keep the document for a fixed setting. */
  | { kind: 'denied'; status: number; message: string }
  /** Any other 4xx (400 malformed, 413 too large): the server will never take this document. */
  | { kind: 'rejected'; status: number; message: string };

export interface ServerClientOptions {
  /** http(s)://HOST[:PORT][/PREFIX]: the API is under PREFIX/api/v1. */
  url: string;
  token: string;
  /** PEM file of a CA to trust besides the system's (a private CA for the server's certificate). */
  caFile?: string;
  /** Per-request timeout (default 60 s: a report with inventories can be large). */
  timeoutMs?: number;
}

/** An answer body is read only this far: enough for any error line or `missing` list. */
const MAX_ANSWER = 4 * 1024 * 1024;

/** Checks --server: a located, actionable error for anything but an http(s) base URL. */
export function parseServerUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new MoatError('usage', `--server "${maskText(raw).slice(0, 80)}" is not a URL: give the server's address, like https://moat.example.com:8470`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new MoatError('usage', `--server must be an http:// or https:// URL, not ${u.protocol}// (like https://moat.example.com:8470)`);
  if (u.username || u.password) throw new MoatError('usage', `--server ${maskUrl(u)} carries credentials: remove them and give the token with --token or --token-file`);
  if (u.search || u.hash) throw new MoatError('usage', `--server ${maskUrl(u)} has a query or fragment: give only the server's base address`);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}

/** Checks the token's shape (not its validity, which only the server knows). */
export function checkToken(raw: string, from: string): string {
  const t = raw.trim();
  if (t === '') throw new MoatError('usage', `${from} is empty: give the token printed by \`moat serve token create --role agent --host NAME\``);
  if ([...t].some((c) => c.trim() === '' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw new MoatError('usage', `${from} contains spaces or control characters: give the token alone, as \`moat serve token create\` printed it`);
  return t;
}

/**
 * The agent's side of the API (/work contract: docs/agent.md): POSTs JSON, gzip when asked,
 * with the bearer token, over http or https. Never throws for an answer: every status is
 * an Outcome the caller decides on; only a broken option (an unreadable --ca) throws.
 */
export class ServerClient {
  readonly base: URL;
  readonly display: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly agent: import('node:http').Agent;

  constructor(opts: ServerClientOptions) {
    this.base = parseServerUrl(opts.url);
    this.display = maskUrl(this.base).replace(/\/$/, '');
    this.token = checkToken(opts.token, 'the token');
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    let ca: Buffer | undefined;
    if (opts.caFile) {
      try {
        ca = readFileSync(opts.caFile);
      } catch (e) {
        throw new MoatError('usage', `--ca ${opts.caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (give the PEM file of the CA that signed the server's certificate)`);
      }
    }
    this.agent =
      this.base.protocol === 'https:'
        ? new (https().Agent)({ keepAlive: true, maxSockets: 2, ...(ca ? { ca: [...tlsRootCertificates(), ca.toString('utf8')] } : {}) })
        : new http.Agent({ keepAlive: true, maxSockets: 2 });
  }

  /** Which of these images' inventories the server lacks. */
  async missing(images: ReadonlyArray<{ digest: string; layers: string[] }>): Promise<Outcome & { missing?: string[] }> {
    const out = await this.post('api/v1/images/missing', Buffer.from(JSON.stringify({ images })), false);
    if (out.kind !== 'ok') return out;
    const list = (out.body as { missing?: unknown } | undefined)?.missing;
    if (!Array.isArray(list) || !list.every((d) => typeof d === 'string')) {
      return { kind: 'rejected', status: out.status, message: `${this.display} answered POST /api/v1/images/missing without a "missing" list of digests: is this a moat server of the same version?` };
    }
    return { ...out, missing: list as string[] };
  }

  /** A document to `api/v1/reports` or `api/v1/alerts`; `gzipped` bodies carry Content-Encoding: gzip. */
  post(path: string, body: Buffer, gzipped: boolean): Promise<Outcome> {
    const url = new URL(path, this.base);
    const mod = url.protocol === 'https:' ? https() : http;
    const where = `POST /${path}`;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const done = (o: Outcome): void => {
        if (!settled) {
          settled = true;
          resolve(o);
        }
      };
      const req = mod.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
            'content-length': String(body.length),
            authorization: `Bearer ${this.token}`,
            'user-agent': `moat-agent/${TOOL_VERSION}`,
            accept: 'application/json',
          },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= MAX_ANSWER) chunks.push(c);
          });
          res.on('error', (e) => done({ kind: 'retry', message: `${this.display} broke off its answer to ${where}: ${e.message}` }));
          res.on('end', () => done(this.outcome(where, res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => done({ kind: 'retry', message: `cannot reach ${this.display} (${where}): ${networkReason(e)}` }));
      req.end(body);
    });
  }

  private outcome(where: string, status: number, headers: IncomingHttpHeaders, raw: Buffer): Outcome {
    const text = raw.toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300) return { kind: 'ok', status, body };
    const said = (body as { error?: unknown } | undefined)?.error;
    const reason = typeof said === 'string' && said.trim() ? oneLine(said) : text.trim() ? oneLine(text).slice(0, 200) : '(no error text)';
    const message = `${this.display} refused ${where}: HTTP ${status}: ${maskText(reason, [this.token])}`;
    if (status === 401 || status === 403) return { kind: 'denied', status, message };
    // No such endpoint: --server names something else (a proxy, another service). Its fault, not the document's: keep it.
    if (status === 404 || status === 405) return { kind: 'denied', status, message: `${message} (is ${this.display} a moat server? the API lives under /api/v1)` };
    if (status >= 500 || status === 408 || status === 429) {
      const retryAfterMs = parseRetryAfter(headers['retry-after']);
      return { kind: 'retry', status, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    return { kind: 'rejected', status, message };
  }

  close(): void {
    this.agent.destroy();
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Seconds or an HTTP date, as RFC 9110 allows; capped at an hour so a bad header cannot park the agent. */
export function parseRetryAfter(v: string | string[] | undefined): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  const ms = /^\d+$/.test(s.trim()) ? Number(s.trim()) * 1000 : Date.parse(s) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), 3_600_000);
}

/** The system error code says most (ECONNREFUSED, ENOTFOUND); TLS failures say which check failed. */
function networkReason(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused (is moat serve running there, on that port?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name does not resolve (${code})`;
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return `the server's TLS certificate is not trusted (${code}): give its CA with --ca FILE`;
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(e.message)) return 'TLS failed: is the server plain http? (use http:// for it, or start it with --tls-cert and --tls-key)';
  return code ? `${code}: ${e.message}` : e.message;
}

function tlsRootCertificates(): string[] {
  // A given CA is trusted besides the system's, not instead of them (Node's `ca` replaces the defaults).
  const tls = process.getBuiltinModule('node:tls');
  return [...tls.rootCertificates];
}
