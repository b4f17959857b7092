/**
 * The plugin process's HTTP side, on a unix socket. The daemon waits for an authorization
 * plugin without a timeout of its own, so every AuthZReq gets an answer within `timeoutMs`
 * whatever happens: a slow judgement, a body that never ends, a request too large, more
 * requests in flight than `maxInFlight`, an envelope that is not what the protocol says:
 * each is a denial with its reason, never silence and never an allow.
 */
import { connect, type Server as NetServer } from 'node:net';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { http } from '../../util/node-http.ts';
import type { Socket } from 'node:net';
import { MoatError } from '../../util/errors.ts';
import { decisionLine, type DecisionSink } from './decision-log.ts';
import type { Enforcer, Judgement } from './enforcer.ts';
import { ACTIVATE_PATH, AUTHZ_REQ_PATH, AUTHZ_RES_PATH, ProtocolError, parseAuthzRequest, type AuthzRequest, type AuthzResponse } from '../../doors/authz-request/protocol.ts';
import { REQUEST_REASONS } from '../../doors/authz-request/requests.ts';
import { createWireServer } from './transport/wire.ts';

export interface PluginServerOptions {
  socketPath: string;
  /** Anything that judges (the Enforcer; tests give slow or failing judges). */
  enforcer: Pick<Enforcer, 'judge'> & Partial<Pick<Enforcer, 'light' | 'judgeNow'>>;
  log?: DecisionSink;
  /** Every AuthZReq is answered within this (default 1000 ms); past it the answer is a denial. */
  timeoutMs?: number;
  /** Judgements at once (default 64); past it requests are denied at once rather than queued without bound. */
  maxInFlight?: number;
  /** Largest AuthZReq envelope read (default 4 MiB: the daemon forwards bodies under 1 MiB, base64 adds a third). */
  maxRequestBytes?: number;
  /**
   * 'wire' (default): raw net and Node's llhttp binding (transport/wire.ts), the plugin's own
   * small HTTP/1.1. 'node-http': node:http, kept as the reference the wire transport is held to.
   */
  transport?: 'wire' | 'node-http';
}

export interface PluginServer {
  socketPath: string;
  close(): Promise<void>;
  /** Counters since start, for `serve`'s exit summary and tests. */
  stats: { requests: number; denied: number; timeouts: number; overloads: number };
}

const CONTENT_TYPE = 'application/vnd.docker.plugins.v1.2+json';
const ALLOW: AuthzResponse = { Allow: true };
const ALLOW_TEXT = JSON.stringify(ALLOW);

export async function startPluginServer(opts: PluginServerOptions): Promise<PluginServer> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const maxInFlight = opts.maxInFlight ?? 64;
  const maxBytes = opts.maxRequestBytes ?? 4 * 1024 * 1024;
  const stats = { requests: 0, denied: 0, timeouts: 0, overloads: 0 };
  let inFlight = 0;

  type Body = AuthzResponse | { Implements: string[] } | { Err: string };
  type Send = (status: number, body: Body, close?: boolean) => void;
  /** What a transport feeds an AuthZReq's body into. `data` returns false once the request should be read no further. */
  interface BodySink {
    data(chunk: Buffer): boolean;
    end(): void;
    abort(): void;
  }

  /** Routes one request: endpoints that ignore their body are answered at once (undefined); AuthZReq gets a sink. */
  function dispatch(method: string, url: string, send: Send): BodySink | undefined {
    if (method === 'POST' && url === AUTHZ_REQ_PATH) return new AuthzExchange(send);
    // Responses are allowed unread: a denial there comes after the daemon acted (the container exists).
    if (method === 'POST' && url === ACTIVATE_PATH) send(200, { Implements: ['authz'] });
    else if (method === 'POST' && url === AUTHZ_RES_PATH) send(200, ALLOW);
    else send(404, { Err: `moat enforce: no such plugin endpoint ${method} ${url.slice(0, 100)}` });
    return undefined;
  }

  const deadlines = new Deadlines();

  /**
   * One AuthZReq from its headers to its answer. A class rather than a set of closures: one object
   * made per request instead of six, at hundreds of requests a second.
   */
  class AuthzExchange implements BodySink, Expiring {
    readonly started = performance.now();
    readonly deadline = this.started + timeoutMs;
    answered = false;
    private envelope: Pick<AuthzRequest, 'user' | 'method' | 'uri'> = NO_ENVELOPE;
    private first: Buffer | undefined = undefined;
    private chunks: Buffer[] | undefined = undefined;
    private size = 0;
    private light = false;
    private readonly send: Send;

    constructor(send: Send) {
      this.send = send;
      stats.requests++;
      deadlines.add(this);
    }

    answer(j: Judgement, close = false): void {
      if (this.answered) return;
      this.answered = true;
      if (!j.allow) stats.denied++;
      this.send(200, j.allow ? ALLOW : { Allow: false, Msg: j.msg }, close);
      const log = opts.log;
      if (log) {
        const ms = performance.now() - this.started;
        const at = Date.now();
        const seen = this.envelope;
        if (log.later) log.later(() => decisionLine(seen, j, ms, new Date(at)));
        else log.write(decisionLine(seen, j, ms, new Date(at)));
      }
    }

    deny(rule: string, msg: string, close = false): void {
      this.answer({ allow: false, msg: `moat: denied: ${rule}: ${msg}`, rule, endpoint: 'other', findings: [], notes: [] }, close);
    }

    expire(): void {
      stats.timeouts++;
      this.deny(REQUEST_REASONS.timeout, `no decision within ${timeoutMs} ms; denied rather than let through unchecked`, true);
    }

    data(c: Buffer): boolean {
      if (this.answered) return false;
      this.size += c.length;
      if (this.size > maxBytes) {
        this.deny(REQUEST_REASONS.malformed, `the AuthZ request is larger than ${maxBytes} bytes (the daemon never sends one that large)`, true);
        return false;
      }
      // Most envelopes arrive in one piece: no array, no copy.
      if (this.first === undefined) this.first = c;
      else (this.chunks ??= [this.first]).push(c);
      return true;
    }

    abort(): void {
      this.deny(REQUEST_REASONS.malformed, 'the AuthZ request was cut off', true);
    }

    end(): void {
      if (this.answered) return;
      let parsed: AuthzRequest;
      try {
        const whole = this.chunks ? Buffer.concat(this.chunks) : (this.first ?? Buffer.alloc(0));
        parsed = parseAuthzRequest(whole.toString('utf8'));
      } catch (e) {
        this.deny(REQUEST_REASONS.malformed, e instanceof ProtocolError ? e.message : 'the AuthZ request cannot be read');
        return;
      }
      this.envelope = { user: parsed.user, method: parsed.method, uri: parsed.uri };
      // Reads take no slot: a start check's own GETs come back through here and must never wait behind the starts.
      const enforcer = opts.enforcer;
      this.light = enforcer.light?.(parsed) === true;
      if (!this.light && inFlight >= maxInFlight) {
        stats.overloads++;
        this.deny(REQUEST_REASONS.overload, `${maxInFlight} requests are already being judged; denied rather than queued without bound`);
        return;
      }
      if (!this.light) inFlight++;
      let decided: Judgement | PromiseLike<Judgement>;
      try {
        decided = enforcer.judgeNow ? enforcer.judgeNow(parsed) : enforcer.judge(parsed);
      } catch (e) {
        this.judged(undefined, e);
        return;
      }
      // A decision that needed nothing outside the process is answered in this same turn (a read, most of all).
      if (isThenable(decided)) decided.then((j) => this.judged(j), (e: unknown) => this.judged(undefined, e));
      else this.judged(decided);
    }

    private judged(j: Judgement | undefined, failure?: unknown): void {
      if (!this.light) inFlight--;
      if (j) this.answer(j);
      else this.deny(REQUEST_REASONS.unreadable, `Moat could not judge this request (${(failure as Error)?.message}); denied rather than let through unchecked`);
    }
  }

  const limits = { headersTimeoutMs: Math.max(2 * timeoutMs, 2000), requestTimeoutMs: Math.max(4 * timeoutMs, 4000), keepAliveTimeoutMs: 120_000, maxHeaderSize: 64 * 1024 };
  let server: NetServer;
  let stop: () => Promise<void>;
  if ((opts.transport ?? 'wire') === 'wire') {
    const wire = createWireServer(limits, (ex) => {
      const sink = dispatch(ex.method, ex.url, (status, body, close) => ex.respond(status, CONTENT_TYPE, body === ALLOW ? ALLOW_TEXT : JSON.stringify(body), close));
      if (!sink) return;
      ex.onData = (c) => void sink.data(c);
      ex.onEnd = () => sink.end();
      ex.onAbort = () => sink.abort();
    });
    server = wire.server;
    stop = wire.close;
  } else {
    const sockets = new Set<Socket>();
    const h: Server = http.createServer(
      // Bounds on the HTTP layer itself, so a connection that never finishes its headers is cut.
      { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, keepAliveTimeout: limits.keepAliveTimeoutMs, maxHeaderSize: limits.maxHeaderSize },
      (req, res) => {
        const send: Send = (status, body, close = false) => {
          if (res.headersSent || res.destroyed) return;
          const text = body === ALLOW ? ALLOW_TEXT : JSON.stringify(body);
          res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text), ...(close ? { Connection: 'close' } : {}) });
          res.end(text);
        };
        const sink = dispatch(req.method ?? '', req.url ?? '', send);
        if (!sink) {
          req.resume();
          return;
        }
        req.on('data', (c: Buffer) => {
          if (!sink.data(c)) req.destroy();
        });
        req.on('error', () => sink.abort());
        req.on('end', () => sink.end());
      },
    );
    h.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    h.on('clientError', (_e, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
    });
    server = h;
    stop = () =>
      new Promise<void>((resolve) => {
        h.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
  }

  await listen(server, opts.socketPath);
  return {
    socketPath: opts.socketPath,
    stats,
    close: async () => {
      await stop();
      try {
        unlinkSync(opts.socketPath);
      } catch {
        /* already gone */
      }
    },
  };
}

/** Listens on the socket, replacing a stale socket file but never one another process still serves. */
async function listen(server: NetServer, path: string): Promise<void> {
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

function isThenable<T>(x: T | PromiseLike<T>): x is PromiseLike<T> {
  return typeof (x as { then?: unknown }).then === 'function';
}

const NO_ENVELOPE: Pick<AuthzRequest, 'user' | 'method' | 'uri'> = { user: '', method: '', uri: '' };

interface Expiring {
  readonly deadline: number;
  readonly answered: boolean;
  expire(): void;
}

/**
 * Every AuthZReq's deadline, with one timer rather than a timer set and cleared per request.
 * All requests get the same time, so deadlines fall in arrival order: a queue whose head is
 * the next to expire. Answered requests leave from the head as new ones arrive, so the queue
 * holds only what is still waiting (and what arrived behind it).
 */
class Deadlines {
  private readonly queue: Expiring[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  add(x: Expiring): void {
    this.drop();
    this.queue.push(x);
    if (!this.timer) this.arm(x.deadline);
  }

  /** Removes answered requests from the head; the array is reset or compacted as it empties. */
  private drop(): void {
    const q = this.queue;
    while (this.head < q.length && (q[this.head] as Expiring).answered) this.head++;
    if (this.head === q.length) {
      q.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > q.length) {
      q.splice(0, this.head);
      this.head = 0;
    }
  }

  private arm(at: number): void {
    // A timer may fire a little early by the performance clock: the sweep re-arms for what is left.
    // Unref'd: the listening socket keeps the process alive while it serves, and after close nothing is owed.
    this.timer = setTimeout(() => this.sweep(), Math.max(1, Math.ceil(at - performance.now())));
    this.timer.unref();
  }

  private sweep(): void {
    this.timer = undefined;
    const now = performance.now();
    const q = this.queue;
    while (this.head < q.length) {
      const x = q[this.head] as Expiring;
      if (!x.answered && x.deadline > now) break;
      this.head++;
      if (!x.answered) x.expire();
    }
    this.drop();
    if (this.head < q.length) this.arm((q[this.head] as Expiring).deadline);
  }
}
