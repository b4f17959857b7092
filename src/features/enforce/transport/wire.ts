/**
 * The plugin's HTTP/1.1 server on raw `net`, parsed by Node's own llhttp binding (the parser
 * node:http runs; docs/dependencies.md says why this one and what it measured). node:http
 * builds an IncomingMessage, a ServerResponse and their streams for every request; the
 * plugin's protocol is one small JSON POST answered by one small JSON body, so here a
 * request is a plain object, its body arrives as the parser's slices, and the reply is one
 * write. What node:http gave the plugin is kept: keep-alive, pipelined requests answered in
 * order, Content-Length and chunked bodies, a header-size bound, a 400 and a close for
 * anything the parser refuses, and the same three timeouts (headers, whole request, idle).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { HTTPParser, methods } from '../../../util/llhttp.ts';

export interface WireLimits {
  /** Headers not complete this long after a request's first byte: 400 and close (node:http's headersTimeout). */
  headersTimeoutMs: number;
  /** A request not received whole this long after its first byte: 400 and close (node:http's requestTimeout). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (node:http's keepAliveTimeout). */
  keepAliveTimeoutMs: number;
  /** Request line and headers together (node:http's maxHeaderSize). */
  maxHeaderSize: number;
}

/** One request, handed over when its headers are complete; its body follows through the hooks. */
export interface WireExchange {
  readonly method: string;
  readonly url: string;
  /** Raw header pairs as sent: name, value, name, value... */
  readonly headers: readonly string[];
  /** Each piece of the body as it is parsed (chunked encoding already removed). */
  onData: ((chunk: Buffer) => void) | undefined;
  /** The body is complete. */
  onEnd: (() => void) | undefined;
  /** The connection ended or failed before the body was complete. */
  onAbort: (() => void) | undefined;
  /** Answers (once; later calls are ignored). `close` ends the connection after this answer. */
  respond(status: number, contentType: string, body: string, close?: boolean): void;
}

export interface WireServer {
  server: Server;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

const STATUS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 500: 'Internal Server Error' };
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';
/** Pipelined requests waiting for their answers before a connection stops being read. */
const MAX_PENDING = 32;

const kOnMessageBegin = HTTPParser.kOnMessageBegin;
const kOnHeaders = HTTPParser.kOnHeaders;
const kOnHeadersComplete = HTTPParser.kOnHeadersComplete;
const kOnBody = HTTPParser.kOnBody;
const kOnMessageComplete = HTTPParser.kOnMessageComplete;

let dateSecond = -1;
let dateText = '';
/** The Date header, made once a second (as node:http caches it). */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

class Exchange implements WireExchange {
  onData: ((chunk: Buffer) => void) | undefined = undefined;
  onEnd: (() => void) | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** The answer, once given, until it is this exchange's turn to be written. */
  reply: string | undefined = undefined;
  closeAfter: boolean;
  complete = false;
  private readonly conn: Connection;
  readonly method: string;
  readonly url: string;
  readonly headers: readonly string[];
  constructor(conn: Connection, method: string, url: string, headers: readonly string[], keepAlive: boolean) {
    this.conn = conn;
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.closeAfter = !keepAlive;
  }

  respond(status: number, contentType: string, body: string, close = false): void {
    if (this.reply !== undefined) return;
    if (close) this.closeAfter = true;
    this.reply =
      `HTTP/1.1 ${status} ${STATUS[status] ?? 'Unknown'}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Date: ${httpDate()}\r\nConnection: ${this.closeAfter ? 'close' : 'keep-alive'}\r\n\r\n${body}`;
    this.conn.flush();
  }
}

/** One client connection: its parser, its requests in order, and the clocks its timeouts read. */
class Connection {
  private readonly parser = new HTTPParser();
  readonly pending: Exchange[] = [];
  /** The request being received (headers complete, body not yet). */
  private current: Exchange | undefined;
  /** When the request now arriving began (its first byte), or -1 between requests. */
  requestStarted = -1;
  headersDone = false;
  lastActive = performance.now();
  /** No more requests are read: after an answer that closes, a parse error, or the peer's end. */
  private closing = false;
  private peerEnded = false;
  private paused = false;
  /** Answers wait in the socket's buffer past its high-water mark: stop reading until it drains. */
  private backlogged = false;
  private partHeaders: string[] = [];
  private partUrl = '';

  readonly socket: Socket;
  private readonly handle: (ex: WireExchange) => void;

  constructor(socket: Socket, limits: WireLimits, handle: (ex: WireExchange) => void) {
    this.socket = socket;
    this.handle = handle;
    const p = this.parser;
    p.initialize(HTTPParser.REQUEST, {}, limits.maxHeaderSize, HTTPParser.kLenientNone);
    // As node:http does, a new connection's clock runs from the connect: one that never sends is cut at headersTimeout.
    this.requestStarted = this.lastActive;
    p[kOnMessageBegin] = () => {
      if (this.requestStarted < 0) this.requestStarted = this.lastActive;
      this.headersDone = false;
    };
    // llhttp hands over headers in batches of 32 pairs when there are more, then the rest with the completion.
    p[kOnHeaders] = (headers: string[], url: string) => {
      for (const h of headers) this.partHeaders.push(h);
      this.partUrl += url;
    };
    p[kOnHeadersComplete] = (_major: number, _minor: number, headers: string[] | undefined, method: number, url: string | undefined, _status: unknown, _statusMessage: unknown, upgrade: boolean, keepAlive: boolean) =>
      this.headersComplete(headers, method, url, upgrade, keepAlive);
    p[kOnBody] = (chunk: Buffer) => {
      const onData = this.current?.onData;
      if (!onData) return;
      try {
        onData(chunk);
      } catch (e) {
        handlerThrew(e);
      }
    };
    p[kOnMessageComplete] = () => {
      const ex = this.current;
      this.current = undefined;
      this.requestStarted = -1;
      if (!ex) return;
      ex.complete = true;
      runHook(ex.onEnd);
    };
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('end', () => this.ended());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.closed());
    socket.on('drain', () => {
      this.backlogged = false;
      this.maybeResume();
    });
  }

  private headersComplete(headers: string[] | undefined, method: number, url: string | undefined, upgrade: boolean, keepAlive: boolean): number {
    let all: string[];
    if (this.partHeaders.length) {
      all = this.partHeaders;
      if (headers) for (const h of headers) all.push(h);
    } else all = headers ?? [];
    const fullUrl = this.partUrl + (url ?? '');
    this.partHeaders = [];
    this.partUrl = '';
    this.headersDone = true;
    // After an answer that closed the connection, pipelined requests behind it are not served.
    if (this.closing) return 0;
    const ex = new Exchange(this, methods[method] ?? 'UNKNOWN', fullUrl, all, keepAlive && !upgrade);
    this.pending.push(ex);
    this.current = ex;
    if (upgrade) {
      // The plugin protocol never upgrades (nor CONNECTs): refused, and nothing after it is read as HTTP.
      this.current = undefined;
      ex.complete = true;
      ex.respond(400, 'text/plain', '', true);
      return 0;
    }
    for (let i = 0; i < all.length; i += 2) {
      if ((all[i] as string).length === 6 && (all[i] as string).toLowerCase() === 'expect' && (all[i + 1] as string).toLowerCase() === '100-continue' && this.pending.length === 1) {
        this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      }
    }
    try {
      this.handle(ex);
    } catch (e) {
      handlerThrew(e);
    }
    return 0;
  }

  private read(chunk: Buffer): void {
    if (this.closing) return;
    this.lastActive = performance.now();
    const r: number | Error = this.parser.execute(chunk);
    if (r instanceof Error) this.refuse();
    // A request that upgraded stops the parser short of the chunk's end: nothing after it is read as HTTP.
    else if (r !== chunk.length && !this.closing) this.refuse();
    if (!this.closing && (this.pending.length >= MAX_PENDING || this.backlogged)) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** Writes every answer that is ready, in the order the requests came. */
  flush(): void {
    while (this.pending.length) {
      const head = this.pending[0] as Exchange;
      if (head.reply === undefined) return;
      this.pending.shift();
      if (this.socket.destroyed) continue;
      if (head.closeAfter) {
        this.closing = true;
        // What the client sent after a closing answer is never answered: the connection ends here.
        for (const rest of this.pending) abort(rest);
        this.pending.length = 0;
        this.current = undefined;
        this.socket.end(head.reply);
        this.socket.destroySoon();
        return;
      }
      // write() says false once the socket's buffer is past its high-water mark (the client is not reading).
      if (!this.socket.write(head.reply)) this.backlogged = true;
    }
    this.lastActive = performance.now();
    if (this.peerEnded && !this.socket.destroyed) this.socket.end();
    this.maybeResume();
  }

  private maybeResume(): void {
    if (this.paused && !this.closing && this.pending.length < MAX_PENDING && !this.backlogged) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** The parser refused the bytes, or a timeout passed: a 400 after the answers already owed, then close. */
  refuse(): void {
    if (this.closing) return;
    this.closing = true;
    // Cut short by bad bytes or by the clock: it never completes, and its answer is the 400.
    this.dropCurrent();
    const bad = new Exchange(this, '', '', [], false);
    bad.reply = BAD_REQUEST;
    this.pending.push(bad);
    this.flush();
  }

  /** The request still arriving, if any, is cut off: it never completes, and is owed no answer of its own. */
  private dropCurrent(): void {
    const cur = this.current;
    this.current = undefined;
    if (!cur || cur.complete) return;
    this.pending.splice(this.pending.indexOf(cur), 1);
    abort(cur);
  }

  private ended(): void {
    this.peerEnded = true;
    this.closing = true;
    // The peer will send nothing more: a request still arriving never will.
    this.dropCurrent();
    if (this.pending.length === 0) this.socket.end();
  }

  private closed(): void {
    this.closing = true;
    for (const ex of this.pending) abort(ex);
    this.pending.length = 0;
    this.current = undefined;
    this.parser.close();
  }

  /** True while a request is partly received (the clocks of headersTimeout and requestTimeout run). */
  receiving(): boolean {
    return this.requestStarted >= 0 && !this.closing;
  }

  idle(): boolean {
    return this.pending.length === 0 && this.requestStarted < 0;
  }
}

function abort(ex: Exchange): void {
  if (ex.complete) return;
  ex.complete = true;
  runHook(ex.onAbort);
}

/** A handler's hook, if it set one; what it throws is reported as the handler's fault, and the connection goes on. */
function runHook(hook: (() => void) | undefined): void {
  if (!hook) return;
  try {
    hook();
  } catch (e) {
    handlerThrew(e);
  }
}

/** A handler's exception is caught rather than let into the parser's callback (it would take the process down). */
function handlerThrew(e: unknown): void {
  process.emitWarning(`moat enforce: a request handler threw: ${(e as Error).message}`);
}

export function createWireServer(limits: WireLimits, handle: (ex: WireExchange) => void): WireServer {
  const connections = new Set<Connection>();
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const c = new Connection(socket, limits, handle);
    connections.add(c);
    socket.on('close', () => connections.delete(c));
  });
  // One sweep for every connection's clocks, rather than timers set and cleared per request.
  const every = Math.max(50, Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const c of connections) {
      if (c.receiving()) {
        const age = now - c.requestStarted;
        if ((!c.headersDone && age > limits.headersTimeoutMs) || age > limits.requestTimeoutMs) c.refuse();
      } else if (c.idle() && now - c.lastActive > limits.keepAliveTimeoutMs) {
        c.socket.destroy();
      }
    }
  }, every);
  sweep.unref();
  server.on('close', () => clearInterval(sweep));
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweep);
        server.close(() => resolve());
        for (const c of connections) c.socket.destroy();
      }),
  };
}
