/**
 * A GET whose answer is a bulk stream (an image export: hundreds of megabytes), read from the
 * engine's unix socket without node:http. node:http hands every 64 KiB socket read through an
 * IncomingMessage and a pipe: 290-300 ms of the main thread to read a 228 MB export here
 * against 200 ms for this reader (socket reads of 256 KiB into fresh buffers, Node's own llhttp
 * binding in response mode for the status and headers; the measurement is in
 * docs/dependencies.md). That thread is the one that parses the export; on two cores, dockerd's
 * sending and Moat's reading share them, so what the reader saves the whole read saves. A
 * chunked body's framing is read by util/http-chunked.ts, whose data are slices of those
 * buffers: llhttp's body callback would copy every byte of the export once more.
 */
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import { HTTPParser } from '../../util/llhttp.ts';
import { ChunkedDecoder } from '../../util/http-chunked.ts';

/** Bytes asked of the kernel per socket read: a unix socket's whole send buffer (about 208 KiB by default) fits. */
const READ_SIZE = 256 * 1024;
/** The status line and headers of an engine answer are a few hundred bytes; node:http's default bound. */
const MAX_HEADER_SIZE = 16 * 1024;

export interface RawStreamOptions {
  socketPath: string;
  /** The request's path, already versioned. */
  path: string;
  signal?: AbortSignal | undefined;
  /** No status and headers this long after the request: `onTimeout` ('headers'). */
  headersTimeoutMs: number;
  /** Nothing received for this long once the answer began: `onTimeout` ('idle'). 0: none. */
  idleTimeoutMs: number;
  /** How far the socket is read ahead of the body's reader. */
  readAheadBytes: number;
  /** The whole request is written to the socket. */
  onSent?: (() => void) | undefined;
}

export interface RawStreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/** What went wrong, for the caller to word as its errors do (`client.ts` owns the engine's messages). */
export type RawStreamFailure = { kind: 'socket'; error: Error } | { kind: 'timeout'; phase: 'headers' | 'idle' } | { kind: 'gone' } | { kind: 'protocol'; detail: string };

/**
 * Resolves with the status and headers; the body is an object-mode Readable of Buffers
 * (each a slice of one socket read, never reused), which is destroyed with `fail(...)`'s
 * error when the connection breaks before the answer's end. Before the headers, failures
 * reject. An aborted `signal` ends everything quietly (the body is destroyed without error).
 */
export function rawStreamGet(opts: RawStreamOptions, fail: (f: RawStreamFailure) => Error): Promise<RawStreamAnswer> {
  return new Promise<RawStreamAnswer>((resolve, reject) => {
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.RESPONSE, {}, MAX_HEADER_SIZE, HTTPParser.kLenientNone);
    let body: Readable | undefined;
    let complete = false;
    let settled = false;
    let paused = false;
    let finished = false;
    let partHeaders: string[] = [];
    /** A chunked body's framing, read here once the headers are llhttp's: its body callback copies every byte. */
    let chunked: ChunkedDecoder | undefined;

    // One chunk per parser body callback; read-ahead counted by chunks of at most READ_SIZE.
    const readable = new Readable({
      objectMode: true,
      highWaterMark: Math.max(1, Math.ceil(opts.readAheadBytes / (32 * 1024))),
      read() {
        if (paused) {
          paused = false;
          socket.resume();
        }
      },
    });
    // A failure in the read that brought the headers (a damaged first chunk) destroys the body
    // before its reader has had a turn to start: the reader meets the error when it reads (async
    // iteration and pipeline see a destroyed stream's error), and it is not thrown as uncaught.
    readable.on('error', () => undefined);

    const done = (e?: Error): void => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener('abort', onAbort);
      clearTimeout(headersTimer);
      socket.setTimeout(0);
      // Often called from inside the parser's own callbacks: freeing it there would free the
      // memory execute() is still using (a crash), so it and the socket go once the call returns.
      setImmediate(() => {
        socket.destroy();
        parser.close();
      });
      if (!settled) {
        settled = true;
        reject(e ?? new Error('aborted'));
        return;
      }
      if (complete || !body) return;
      if (opts.signal?.aborted || e === undefined) body.destroy();
      else body.destroy(e);
    };
    const onAbort = (): void => done(opts.signal?.reason instanceof Error ? opts.signal.reason : undefined);

    parser[HTTPParser.kOnHeaders] = (headers: string[]) => {
      for (const h of headers) partHeaders.push(h);
    };
    parser[HTTPParser.kOnHeadersComplete] = (_major: number, _minor: number, headers: string[] | undefined, _method: unknown, _url: unknown, status: number) => {
      const all = partHeaders.length ? [...partHeaders, ...(headers ?? [])] : (headers ?? []);
      partHeaders = [];
      const named: IncomingHttpHeaders = {};
      for (let i = 0; i + 1 < all.length; i += 2) named[(all[i] as string).toLowerCase()] = all[i + 1] as string;
      clearTimeout(headersTimer);
      if (opts.idleTimeoutMs) socket.setTimeout(opts.idleTimeoutMs);
      body = readable;
      settled = true;
      resolve({ status, headers: named, body });
      // 2 ends llhttp's part at the headers (as for an upgrade): execute() returns where they end.
      if (named['transfer-encoding']?.trim().toLowerCase() === 'chunked' && named['content-length'] === undefined) {
        chunked = new ChunkedDecoder();
        return 2;
      }
      return 0;
    };
    const onBody = (chunk: Buffer): void => {
      if (!readable.push(chunk) && !paused) {
        paused = true;
        socket.pause();
      }
    };
    const onComplete = (): void => {
      complete = true;
      readable.push(null);
      done();
    };
    parser[HTTPParser.kOnBody] = onBody;
    // Also called when llhttp hands a chunked body over: that body's end is the decoder's to say.
    parser[HTTPParser.kOnMessageComplete] = () => {
      if (chunked === undefined) onComplete();
    };
    const decode = (bytes: Buffer): void => {
      const step = (chunked as ChunkedDecoder).write(bytes, onBody);
      if (step.kind === 'error') done(fail({ kind: 'protocol', detail: step.detail }));
      else if (step.kind === 'end') onComplete();
    };

    const socket: Socket = connect({
      path: opts.socketPath,
      onread: {
        // A fresh buffer per read: the body's slices stay valid for as long as their reader keeps them.
        buffer: () => Buffer.allocUnsafeSlow(READ_SIZE),
        callback: (n: number, buf: Uint8Array) => {
          if (finished) return false;
          const read = Buffer.from(buf.buffer, buf.byteOffset, n);
          if (chunked !== undefined) {
            decode(read);
            return !paused;
          }
          const r = parser.execute(read);
          if (r instanceof Error) done(fail({ kind: 'protocol', detail: `${(r as Error & { code?: string }).code ?? r.message}` }));
          // The headers ended inside this read: the rest of it is the body's first bytes.
          else if (chunked !== undefined && !finished) decode(read.subarray(r));
          return !paused;
        },
      },
    });
    socket.on('connect', () => {
      socket.write(`GET ${opts.path} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n`, () => opts.onSent?.());
    });
    socket.on('error', (e) => done(fail({ kind: 'socket', error: e })));
    // An answer framed by the connection's end (neither length nor chunks) completes here.
    socket.on('end', () => {
      if (!finished && chunked === undefined && parser.finish() instanceof Error) done(fail({ kind: 'gone' }));
    });
    socket.on('timeout', () => done(fail({ kind: 'timeout', phase: 'idle' })));
    // The peer's end before the answer's: what came was not all of it.
    socket.on('close', () => {
      if (!complete) done(fail({ kind: 'gone' }));
    });
    const headersTimer = setTimeout(() => done(fail({ kind: 'timeout', phase: 'headers' })), opts.headersTimeoutMs);
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
