import http from 'node:http';
import https from 'node:https';
import { EngineError } from './errors.ts';
import { resolveEndpoint, type Endpoint } from './endpoint.ts';

/** The newest API version Moat speaks; older engines are spoken to in their own version. */
export const MAX_API_VERSION = '1.45';
/** Below this the fields the rules read are missing or shaped differently. */
export const MIN_API_VERSION = '1.24';

export interface ClientOptions {
  endpoint?: Endpoint;
  /** Per-request timeout; the engine answers inspect calls in well under a millisecond. */
  timeoutMs?: number;
  /** Requests in flight at once over kept-alive connections. */
  maxConcurrency?: number;
}

export function compareApiVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am !== bm ? Math.sign(am - bm) : Math.sign(an - bn);
}

/**
 * A thin Engine API client over node:http: one keep-alive agent, bounded concurrency,
 * a timeout on every request, and errors that say what to do. Only GET/HEAD are needed
 * by read-only commands; `request` is there for the commands that act.
 */
export class EngineClient {
  readonly endpoint: Endpoint;
  apiVersion = MIN_API_VERSION;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions = {}) {
    this.endpoint = options.endpoint ?? resolveEndpoint();
    this.timeoutMs = options.timeoutMs ?? 15_000;
    const maxSockets = options.maxConcurrency ?? 8;
    const ep = this.endpoint;
    this.agent =
      ep.kind === 'tcp' && ep.tls
        ? new https.Agent({ keepAlive: true, maxSockets, ca: ep.tls.ca, cert: ep.tls.cert, key: ep.tls.key, rejectUnauthorized: ep.tls.verify })
        : new http.Agent({ keepAlive: true, maxSockets });
  }

  /** Connects, checks the engine answers, and settles the API version to speak. */
  static async connect(options: ClientOptions = {}): Promise<EngineClient> {
    const client = new EngineClient(options);
    await client.negotiate();
    return client;
  }

  async negotiate(): Promise<void> {
    const res = await this.raw('GET', '/_ping');
    if (res.status !== 200) {
      throw new EngineError('protocol', `${this.endpoint.display} answered /_ping with HTTP ${res.status}: is this a Docker engine?`, { status: res.status });
    }
    const server = String(res.headers['api-version'] ?? '');
    if (!/^\d+\.\d+$/.test(server)) {
      throw new EngineError('protocol', `${this.endpoint.display} sent no usable Api-Version header on /_ping: is this a Docker engine?`);
    }
    if (compareApiVersions(server, MIN_API_VERSION) < 0) {
      throw new EngineError('protocol', `the engine speaks API ${server}; Moat needs ${MIN_API_VERSION} or newer (Docker 1.12+)`);
    }
    this.apiVersion = compareApiVersions(server, MAX_API_VERSION) < 0 ? server : MAX_API_VERSION;
  }

  /** GET a versioned API path and parse its JSON body. 404 gives `undefined` when `allowMissing`. */
  async getJson(path: string, opts: { allowMissing?: boolean } = {}): Promise<unknown> {
    const res = await this.raw('GET', `/v${this.apiVersion}${path}`);
    if (res.status === 404 && opts.allowMissing) return undefined;
    if (res.status < 200 || res.status >= 300) throw httpError(path, res.status, res.body);
    try {
      return JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new EngineError('protocol', `the engine's answer to GET ${path} is not JSON (${res.body.length} bytes)`);
    }
  }

  /** Any method, versioned path; the caller reads status and headers. */
  request(method: string, path: string, body?: unknown): Promise<RawResponse> {
    return this.raw(method, `/v${this.apiVersion}${path}`, body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
  }

  /**
   * GET a versioned API path whose body may be large (`/images/{id}/get`): the body is
   * streamed, never buffered. The timeout applies to silence on the socket, not to the
   * whole transfer. A connection that closes before the body ends is an error (`gone`),
   * never a short body.
   */
  async getStream(path: string): Promise<AsyncIterable<Buffer>> {
    const full = `/v${this.apiVersion}${path}`;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = this.send('GET', full, undefined, resolve, reject);
      req.end();
    });
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw httpError(path, status, Buffer.concat(chunks));
    }
    const ep = this.endpoint;
    return (async function* () {
      try {
        for await (const c of res) yield c as Buffer;
      } catch (e) {
        throw e instanceof EngineError ? e : mapSocketError(e as Error, ep, full);
      }
      if (!res.complete) throw goneError(ep, full);
    })();
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, body: Buffer | undefined, onResponse: (res: http.IncomingMessage) => void, reject: (e: unknown) => void): http.ClientRequest {
    const ep = this.endpoint;
    const mod = ep.kind === 'tcp' && ep.tls ? https : http;
    const target = ep.kind === 'unix' ? { socketPath: ep.socketPath } : { host: ep.host, port: ep.port };
    const req = mod.request(
      {
        ...target,
        method,
        path,
        agent: this.agent,
        headers: { Host: 'docker', ...(body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {}) },
      },
      onResponse,
    );
    req.setTimeout(this.timeoutMs, () => {
      req.destroy(new EngineError('timeout', `the engine at ${ep.display} did not answer ${method} ${path} within ${this.timeoutMs} ms`));
    });
    req.on('error', (e) => reject(e instanceof EngineError ? e : mapSocketError(e, this.endpoint, path)));
    return req;
  }

  private raw(method: string, path: string, body?: Buffer): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      const req = this.send(
        method,
        path,
        body,
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (!res.complete) {
              reject(goneError(this.endpoint, path));
              return;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on('error', (e) => reject(mapSocketError(e, this.endpoint, path)));
        },
        reject,
      );
      req.end(body);
    });
  }
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function goneError(ep: Endpoint, path: string): EngineError {
  return new EngineError('gone', `the engine at ${ep.display} closed the connection during GET ${path}: did dockerd stop or restart? The result would be incomplete, so none is reported`);
}

function mapSocketError(e: Error, ep: Endpoint, path: string): EngineError {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new EngineError('unreachable', `no Docker engine socket at ${ep.kind === 'unix' ? ep.socketPath : ep.display}: is dockerd running? (set DOCKER_HOST to reach another engine)`, { cause: e });
    case 'ECONNREFUSED':
      return new EngineError('unreachable', `nothing accepts connections at ${ep.display}: is dockerd running?`, { cause: e });
    case 'EACCES':
    case 'EPERM':
      return new EngineError('permission', `permission denied on ${ep.display}: run Moat as root or as a member of the docker group`, { cause: e });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return goneError(ep, path);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new EngineError('unreachable', `cannot resolve the engine host in ${ep.display}`, { cause: e });
    default:
      if (e.message === 'socket hang up') return goneError(ep, path);
      return new EngineError('unreachable', `cannot talk to the engine at ${ep.display}: ${e.message}`, { cause: e });
  }
}

function httpError(path: string, status: number, body: Buffer): EngineError {
  let detail = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(detail) as { message?: unknown };
    if (typeof parsed.message === 'string') detail = parsed.message;
  } catch {
    /* plain-text error body */
  }
  return new EngineError('http', `the engine refused GET ${path}: HTTP ${status}${detail ? `: ${detail.slice(0, 300)}` : ''}`, { status });
}
