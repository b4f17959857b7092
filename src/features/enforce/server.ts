/**
 * The plugin process's HTTP side, on a unix socket. The daemon waits for an authorization
 * plugin without a timeout of its own, so every AuthZReq gets an answer within `timeoutMs`
 * whatever happens: a slow judgement, a body that never ends, a request too large, more
 * requests in flight than `maxInFlight`, an envelope that is not what the protocol says:
 * each is a denial with its reason, never silence and never an allow.
 */
import { connect } from 'node:net';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { http } from '../../util/node-http.ts';
import type { Socket } from 'node:net';
import { MoatError } from '../../util/errors.ts';
import { decisionLine, type DecisionSink } from './decision-log.ts';
import type { Enforcer, Judgement } from './enforcer.ts';
import { ACTIVATE_PATH, AUTHZ_REQ_PATH, AUTHZ_RES_PATH, ProtocolError, parseAuthzRequest, type AuthzRequest, type AuthzResponse } from '../../doors/authz-request/protocol.ts';
import { REQUEST_REASONS } from '../../doors/authz-request/requests.ts';

export interface PluginServerOptions {
  socketPath: string;
  /** Anything that judges (the Enforcer; tests give slow or failing judges). */
  enforcer: Pick<Enforcer, 'judge'> & Partial<Pick<Enforcer, 'light'>>;
  log?: DecisionSink;
  /** Every AuthZReq is answered within this (default 1000 ms); past it the answer is a denial. */
  timeoutMs?: number;
  /** Judgements at once (default 64); past it requests are denied at once rather than queued without bound. */
  maxInFlight?: number;
  /** Largest AuthZReq envelope read (default 4 MiB: the daemon forwards bodies under 1 MiB, base64 adds a third). */
  maxRequestBytes?: number;
}

export interface PluginServer {
  socketPath: string;
  close(): Promise<void>;
  /** Counters since start, for `serve`'s exit summary and tests. */
  stats: { requests: number; denied: number; timeouts: number; overloads: number };
}

const CONTENT_TYPE = 'application/vnd.docker.plugins.v1.2+json';

export async function startPluginServer(opts: PluginServerOptions): Promise<PluginServer> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const maxInFlight = opts.maxInFlight ?? 64;
  const maxBytes = opts.maxRequestBytes ?? 4 * 1024 * 1024;
  const stats = { requests: 0, denied: 0, timeouts: 0, overloads: 0 };
  let inFlight = 0;
  const sockets = new Set<Socket>();

  const server: Server = http.createServer(
    // Bounds on the HTTP layer itself, so a connection that never finishes its headers is cut.
    { headersTimeout: Math.max(2 * timeoutMs, 2000), requestTimeout: Math.max(4 * timeoutMs, 4000), keepAliveTimeout: 120_000, maxHeaderSize: 64 * 1024 },
    (req, res) => {
      if (req.method !== 'POST' || req.url !== AUTHZ_REQ_PATH) {
        other(req, res);
        return;
      }
      authzReq(req, res);
    },
  );
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });

  function send(res: ServerResponse, status: number, body: AuthzResponse | { Implements: string[] } | { Err: string }, close = false): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text), ...(close ? { Connection: 'close' } : {}) });
    res.end(text);
  }

  function other(req: IncomingMessage, res: ServerResponse): void {
    // Responses are allowed unread: a denial there comes after the daemon acted (the container exists).
    req.resume();
    if (req.method === 'POST' && req.url === ACTIVATE_PATH) send(res, 200, { Implements: ['authz'] });
    else if (req.method === 'POST' && req.url === AUTHZ_RES_PATH) send(res, 200, { Allow: true });
    else send(res, 404, { Err: `moat enforce: no such plugin endpoint ${req.method} ${String(req.url).slice(0, 100)}` });
  }

  function authzReq(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    stats.requests++;
    let answered = false;
    let envelope: Pick<AuthzRequest, 'user' | 'method' | 'uri'> = { user: '', method: '', uri: '' };
    const answer = (j: Judgement, close = false): void => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      if (!j.allow) stats.denied++;
      send(res, 200, j.allow ? { Allow: true } : { Allow: false, Msg: j.msg }, close);
      opts.log?.write(decisionLine(envelope, j, performance.now() - started));
    };
    const deny = (rule: string, msg: string, close = false): void => answer({ allow: false, msg: `moat: denied: ${rule}: ${msg}`, rule, endpoint: 'other', findings: [], notes: [] }, close);
    const timer = setTimeout(() => {
      stats.timeouts++;
      deny(REQUEST_REASONS.timeout, `no decision within ${timeoutMs} ms; denied rather than let through unchecked`, true);
    }, timeoutMs);

    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (answered) return;
      size += c.length;
      if (size > maxBytes) {
        deny(REQUEST_REASONS.malformed, `the AuthZ request is larger than ${maxBytes} bytes (the daemon never sends one that large)`, true);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => deny(REQUEST_REASONS.malformed, 'the AuthZ request was cut off', true));
    req.on('end', () => {
      if (answered) return;
      let parsed: AuthzRequest;
      try {
        parsed = parseAuthzRequest(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        deny(REQUEST_REASONS.malformed, e instanceof ProtocolError ? e.message : 'the AuthZ request cannot be read');
        return;
      }
      envelope = { user: parsed.user, method: parsed.method, uri: parsed.uri };
      // Reads take no slot: a start check's own GETs come back through here and must never wait behind the starts.
      const light = opts.enforcer.light?.(parsed) === true;
      if (!light && inFlight >= maxInFlight) {
        stats.overloads++;
        deny(REQUEST_REASONS.overload, `${maxInFlight} requests are already being judged; denied rather than queued without bound`);
        return;
      }
      if (!light) inFlight++;
      opts.enforcer
        .judge(parsed)
        .then((j) => answer(j))
        .catch((e: unknown) => deny(REQUEST_REASONS.unreadable, `Moat could not judge this request (${(e as Error).message}); denied rather than let through unchecked`))
        .finally(() => {
          if (!light) inFlight--;
        });
    });
  }

  await listen(server, opts.socketPath);
  return {
    socketPath: opts.socketPath,
    stats,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      try {
        unlinkSync(opts.socketPath);
      } catch {
        /* already gone */
      }
    },
  };
}

/** Listens on the socket, replacing a stale socket file but never one another process still serves. */
async function listen(server: Server, path: string): Promise<void> {
  const attempt = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException): void => {
        server.off('listening', onListening);
        reject(e);
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(path);
    });
  try {
    await attempt();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE') throw new MoatError('incomplete', `cannot listen on ${path}: ${code ?? (e as Error).message}`);
    let isSocket = false;
    try {
      isSocket = lstatSync(path).isSocket();
    } catch {
      isSocket = false;
    }
    if (!isSocket) throw new MoatError('usage', `${path} exists and is not a socket: choose another --socket or remove it`);
    if (await answers(path)) throw new MoatError('usage', `another process is serving ${path}: stop it first, or choose another --socket`);
    unlinkSync(path);
    await attempt();
  }
  // Only root (the daemon) may ask: anyone who can reach the socket sees every decision's reasons.
  chmodSync(path, 0o600);
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
