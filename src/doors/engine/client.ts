import type * as httpT from 'node:http';
import type * as httpsT from 'node:https';
import type * as tlsT from 'node:tls';
import { http, https } from '../../util/node-http.ts';
import { lstatSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { EngineError } from './errors.ts';
import { resolveEndpoint, type Endpoint } from './endpoint.ts';
import { SshConnection } from './ssh-connection.ts';
import { rawStreamGet } from './raw-stream.ts';

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
  /** Replaces `ssh` for ssh:// endpoints (default: MOAT_SSH, else `ssh`). */
  sshCommand?: string;
}

/** Each ssh connection is a process and a login on the remote host: fewer of them than sockets. */
const SSH_MAX_CONNECTIONS = 4;

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
  private readonly agent: httpT.Agent;
  private readonly timeoutMs: number;
  private readonly sshCommand?: string;
  /** What negotiate() throws while a unix socket is missing (made at the first miss). */
  private noSocket: EngineError | undefined;

  constructor(options: ClientOptions = {}) {
    this.endpoint = options.endpoint ?? resolveEndpoint();
    this.timeoutMs = options.timeoutMs ?? 15_000;
    const maxSockets = options.maxConcurrency ?? 8;
    const ep = this.endpoint;
    this.sshCommand = options.sshCommand ?? (process.env.MOAT_SSH || undefined);
    if (ep.kind === 'ssh') {
      const agent = new http.Agent({ keepAlive: true, maxSockets: Math.min(maxSockets, SSH_MAX_CONNECTIONS) });
      // node:http takes any Duplex from createConnection; the Agent's own typing insists on a net.Socket.
      (agent as unknown as { createConnection: () => SshConnection }).createConnection = () => new SshConnection(ep, this.sshCommand);
      this.agent = agent;
    } else {
      this.agent =
        ep.kind === 'tcp' && ep.tls
          ? new (https().Agent)({ keepAlive: true, maxSockets, ...tlsOptions(ep) })
          : new http.Agent({ keepAlive: true, maxSockets });
    }
  }

  /** Connects, checks the engine answers, and settles the API version to speak. */
  static async connect(options: ClientOptions = {}): Promise<EngineClient> {
    const client = new EngineClient(options);
    await client.negotiate();
    return client;
  }

  async negotiate(): Promise<void> {
    const ep = this.endpoint;
    // A socket that is not there fails here, worded as the connect would fail: `moat enforce`
    // negotiates again at every start while its daemon is away, and a connect attempt (a
    // request, a socket, an errno error) costs far more than one lstat. The error is made once
    // and thrown again while the socket stays away: its stack trace was most of such a start's cost.
    if (ep.kind === 'unix' && !lstatSync(ep.socketPath, { throwIfNoEntry: false })) {
      throw (this.noSocket ??= mapSocketError(Object.assign(new Error(`connect ENOENT ${ep.socketPath}`), { code: 'ENOENT', syscall: 'connect' }), ep, '/_ping'));
    }
    const res = await this.raw('GET', '/_ping');
    if (res.status === 400 && /HTTPS server/i.test(res.body.toString('utf8'))) {
      throw new EngineError('unreachable', `the engine at ${this.endpoint.display} speaks only TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem`);
    }
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
   * A request whose answer is read as a stream (`/events`, `/images/{name}/get`, stats,
   * archives): resolves once the status line and headers arrive. There is no total
   * timeout, only an idle one: the stream fails when nothing arrives for `idleTimeoutMs`
   * (none by default, for `/events`, which may be silent for hours). A connection that
   * breaks before the engine ends the answer makes `body` emit an EngineError ('gone').
   */
  stream(method: string, path: string, opts: { signal?: AbortSignal; idleTimeoutMs?: number; body?: unknown; readAheadBytes?: number; onSent?: () => void } = {}): Promise<StreamResponse> {
    const ep = this.endpoint;
    const mod = ep.kind === 'tcp' && ep.tls ? https() : http;
    // No pooled agent here, so the TLS material goes on the request itself.
    const target =
      ep.kind === 'unix'
        ? { socketPath: ep.socketPath }
        : ep.kind === 'ssh'
          ? { createConnection: () => new SshConnection(ep, this.sshCommand) as never }
          : { host: ep.host, port: ep.port, ...(ep.tls ? tlsOptions(ep) : {}) };
    const versioned = `/v${this.apiVersion}${path}`;
    // A bulk transfer (an export) from a local engine: read without node:http (raw-stream.ts says why).
    if (ep.kind === 'unix' && opts.readAheadBytes && method === 'GET' && opts.body === undefined) {
      const idle = opts.idleTimeoutMs ?? 0;
      return rawStreamGet(
        { socketPath: ep.socketPath, path: versioned, signal: opts.signal, headersTimeoutMs: this.timeoutMs, idleTimeoutMs: idle, readAheadBytes: opts.readAheadBytes, onSent: opts.onSent },
        (f) => {
          switch (f.kind) {
            case 'socket':
              return mapSocketError(f.error, ep, path);
            case 'gone':
              return goneError(ep, path);
            case 'timeout':
              return new EngineError('timeout', f.phase === 'headers' ? `the engine at ${ep.display} did not answer ${method} ${path} within ${this.timeoutMs} ms` : `the engine at ${ep.display} sent nothing for ${idle} ms on ${method} ${path}`);
            case 'protocol':
              return new EngineError('protocol', `the engine's answer to ${method} ${path} is not HTTP Moat can read (${f.detail}): is ${ep.display} a Docker engine?`);
          }
        },
      );
    }
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    return new Promise<StreamResponse>((resolve, reject) => {
      const req = mod.request(
        {
          ...target,
          method,
          path: versioned,
          // A long-lived stream must not hold one of the pooled keep-alive sockets the short requests share.
          agent: false,
          signal: opts.signal,
          headers: { Host: 'docker', ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) },
        },
        (res) => {
          // Node reports a cut connection as a bare "aborted" error; the body the caller reads
          // carries Moat's own errors instead, and ends quietly only when the caller aborted.
          // readAheadBytes: how far the connection is read ahead of the caller. A deep buffer
          // lets the engine write on while the reader is busy (an image export is produced
          // by dockerd as fast as it is taken: stalling it costs its time, not just ours).
          // The read-ahead side holds the connection's chunks as they came (object mode, counted
          // at 64 KiB, the most one socket read gives): in byte mode every read() of an async
          // iterator copies all that is buffered into one new Buffer, which for an image export
          // meant copying up to 8 MiB at a time and a full GC every few megabytes of external memory.
          const body = new PassThrough(opts.readAheadBytes ? { readableObjectMode: true, readableHighWaterMark: Math.max(1, Math.ceil(opts.readAheadBytes / 65536)) } : {});
          const fail = (e: Error): void => {
            if (opts.signal?.aborted) body.destroy();
            else body.destroy(e instanceof EngineError ? e : mapSocketError(e, ep, path));
          };
          res.on('error', fail);
          res.on('close', () => {
            if (!res.complete) fail(goneError(ep, path));
          });
          res.pipe(body);
          // The request timeout guarded the wait for headers; from here only the idle timeout applies.
          req.setTimeout(0);
          if (opts.idleTimeoutMs) {
            req.setTimeout(opts.idleTimeoutMs, () => res.destroy(new EngineError('timeout', `the engine at ${ep.display} sent nothing for ${opts.idleTimeoutMs} ms on ${method} ${path}`)));
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        },
      );
      req.setTimeout(this.timeoutMs, () => {
        req.destroy(new EngineError('timeout', `the engine at ${ep.display} did not answer ${method} ${path} within ${this.timeoutMs} ms`));
      });
      // 'finish': the whole request is written to the connection (after its connect).
      if (opts.onSent) req.once('finish', opts.onSent);
      req.on('error', (e) => {
        if (opts.signal?.aborted) reject(opts.signal.reason instanceof Error ? opts.signal.reason : new Error('aborted'));
        else reject(e instanceof EngineError ? e : mapSocketError(e, ep, path));
      });
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private raw(method: string, path: string, body?: Buffer): Promise<RawResponse> {
    const ep = this.endpoint;
    const mod = ep.kind === 'tcp' && ep.tls ? https() : http;
    // No TLS, no server name: otherwise Node's agent derives one from the Host header for every
    // request, and the first derivation compiles its IPv6 pattern (4 ms of an audit's CPU).
    const target = ep.kind === 'unix' ? { socketPath: ep.socketPath, servername: '' } : ep.kind === 'ssh' ? { servername: '' } : { host: ep.host, port: ep.port, ...(ep.tls ? {} : { servername: '' }) };
    return new Promise<RawResponse>((resolve, reject) => {
      const req = mod.request(
        {
          ...target,
          method,
          path,
          agent: this.agent,
          headers: { Host: 'docker', ...(body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {}) },
        },
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
      );
      req.setTimeout(this.timeoutMs, () => {
        req.destroy(new EngineError('timeout', `the engine at ${ep.display} did not answer ${method} ${path} within ${this.timeoutMs} ms`));
      });
      req.on('error', (e) => reject(e instanceof EngineError ? e : mapSocketError(e, this.endpoint, path)));
      req.end(body);
    });
  }
}

export interface StreamResponse {
  status: number;
  headers: httpT.IncomingHttpHeaders;
  /** The answer's bytes; errors with an EngineError when the connection breaks early. */
  body: Readable;
}

export interface RawResponse {
  status: number;
  headers: httpT.IncomingHttpHeaders;
  body: Buffer;
}

function goneError(ep: Endpoint, path: string): EngineError {
  return new EngineError('gone', `the engine at ${ep.display} closed the connection during GET ${path}: did dockerd stop or restart? The result would be incomplete, so none is reported`);
}

/**
 * The certificate is checked against the host in DOCKER_HOST, as the Docker CLI does: Node
 * would otherwise check it against the Host header, which the Engine API wants as "docker".
 */
function tlsOptions(ep: Extract<Endpoint, { kind: 'tcp' }>): httpsT.AgentOptions {
  const tls = ep.tls!;
  return { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.verify, checkServerIdentity: (_name, cert) => (process.getBuiltinModule('node:tls') as typeof tlsT).checkServerIdentity(ep.host, cert) };
}

/** Node's names for a server certificate that the CA in DOCKER_CERT_PATH does not vouch for. */
const UNTRUSTED_SERVER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** The daemon's answers when it does not accept our client certificate. */
const CLIENT_CERT_REFUSED = /^ERR_SSL_(TLSV1_ALERT_UNKNOWN_CA|SSLV3_ALERT_BAD_CERTIFICATE|TLSV1_ALERT_DECRYPT_ERROR|TLSV13_ALERT_CERTIFICATE_REQUIRED|SSLV3_ALERT_HANDSHAKE_FAILURE|TLSV1_ALERT_ACCESS_DENIED|SSLV3_ALERT_CERTIFICATE_(EXPIRED|UNKNOWN|REVOKED))$/;

function tlsError(code: string | undefined, e: Error, ep: Endpoint): EngineError | undefined {
  if (!code) return undefined;
  const fix = 'set DOCKER_CERT_PATH to the folder holding the ca.pem, cert.pem and key.pem made for this daemon';
  if (UNTRUSTED_SERVER.has(code)) return new EngineError('unreachable', `the engine at ${ep.display} presented a certificate that ca.pem does not vouch for (${code}): ${fix}`, { cause: e });
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return new EngineError('unreachable', `the engine at ${ep.display} presented a certificate outside its validity dates (${code}): renew the daemon's certificate or fix this machine's clock`, { cause: e });
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return new EngineError('unreachable', `the engine's certificate at ${ep.display} is not issued for that host name: reach it by a name in its certificate, or reissue it with this one in subjectAltName`, { cause: e });
  if (CLIENT_CERT_REFUSED.test(code)) return new EngineError('unreachable', `the engine at ${ep.display} refused Moat's client certificate (${code}): ${fix}, with cert.pem signed by the CA the daemon's --tlscacert names`, { cause: e });
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') return new EngineError('unreachable', `the engine at ${ep.display} does not speak TLS: unset DOCKER_TLS_VERIFY (or use port 2375) for a plain-TCP daemon`, { cause: e });
  return undefined;
}

function mapSocketError(e: Error, ep: Endpoint, path: string): EngineError {
  const code = (e as NodeJS.ErrnoException).code;
  const tls = ep.kind === 'tcp' && ep.tls ? tlsError(code, e, ep) : undefined;
  if (tls) return tls;
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
