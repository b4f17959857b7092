import type * as tar from 'tar-stream';
import { decodeHeader, decodePax, decodeStr, MAX_HEADER_SIZE, overflow, type RawHeader } from './tar-file.ts';

/** One archive entry: its header, and its bytes (to be read or drained, never abandoned). */
export type TarEntry = AsyncIterable<Buffer> & { header: tar.Header };

/**
 * Parses a tar stream, calling `onEntry` for each entry in order (whiteouts included); the
 * entry's bytes are read by iterating it, during `onEntry`: what it leaves unread is passed
 * over. Back-pressure all the way: memory stays bounded by a chunk (and a long-name record)
 * whatever the archive's size. Rejects with the first error of the input, the parser or
 * `onEntry`, and when the stream stops before the tar's end.
 *
 * The parser is tar-stream's (3.2), whose extract was three stream objects and a promise per
 * chunk per entry (the most of `moat sbom`'s CPU on an image from the engine): here it is the
 * loop of walkTarFile (tar-file.ts, which ports extract.js) over a pull reader, and each
 * entry's bytes are slices of the input's own chunks. Tests hold both to tar-stream.
 */
export async function forEachTarEntry(input: AsyncIterable<Buffer>, onEntry: (entry: TarEntry) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const r = new PullReader(input, signal);
  let header: RawHeader | null = null;
  // Numbers as tar-stream keeps them: a broken size field makes them null or NaN.
  let missing: number | null = 0;
  let longHeader = false;
  let inEntry = false;
  let pax: Record<string, string> | null = null;
  let paxGlobal: Record<string, string> | null = null;
  let gnuLongPath: string | null = null;
  let gnuLongLinkPath: string | null = null;

  // Each wait below is taken only when the bytes are not buffered yet: an `await` costs a
  // microtask turn even on a settled promise, and a layer has thousands of headers per chunk read.
  while (r.holds(1) || (await r.more())) {
    if ((missing as number) > 0) {
      const want = missing as number;
      if (inEntry) {
        // What the entry's reader left: passed over (what is buffered now; the loop waits for more).
        missing = want - r.skipBuffered(want);
        if (missing === 0) {
          inEntry = false;
          missing = overflow((header as RawHeader).size);
        }
        continue;
      }
      if (longHeader) {
        if (!(await r.has(want))) break;
        longHeader = false;
        const h = header as RawHeader;
        missing = overflow(h.size);
        const buf = (await r.has(h.size)) ? r.take(h.size) : null;
        if (h.type === 'gnu-long-path') gnuLongPath = decodeStr(buf as Buffer, 0, (buf as Buffer).length);
        else if (h.type === 'gnu-long-link-path') gnuLongLinkPath = decodeStr(buf as Buffer, 0, (buf as Buffer).length);
        else if (h.type === 'pax-global-header') paxGlobal = decodePax(buf as Buffer);
        else if (h.type === 'pax-header') pax = paxGlobal === null ? decodePax(buf as Buffer) : { ...paxGlobal, ...decodePax(buf as Buffer) };
        continue;
      }
      missing = want - r.skipBuffered(want);
      continue;
    }
    if (!r.holds(512) && !(await r.has(512))) break;
    header = decodeHeader(r.take(512));
    if (!header) continue;
    header.byteOffset = r.position;
    switch (header.type) {
      case 'gnu-long-path':
      case 'gnu-long-link-path':
      case 'pax-global-header':
      case 'pax-header':
        longHeader = true;
        missing = header.size;
        if ((missing as number) > MAX_HEADER_SIZE) throw new Error('Header exceeds max size');
        continue;
    }
    if (gnuLongPath) {
      header.name = gnuLongPath;
      gnuLongPath = null;
    }
    if (gnuLongLinkPath) {
      header.linkname = gnuLongLinkPath;
      gnuLongLinkPath = null;
    }
    if (pax) {
      if (pax.path) header.name = pax.path;
      if (pax.linkpath) header.linkname = pax.linkpath;
      if (pax.size) header.size = parseInt(pax.size, 10);
      header.pax = pax;
      pax = null;
    }
    if (!(header.size >= 0)) throw new Error('Invalid header');
    const typed = header as unknown as tar.Header;
    if (header.size === 0 || header.type === 'directory') {
      await onEntry(entryOf(typed, async function* () {}));
      continue;
    }
    inEntry = true;
    missing = header.size;
    let open = true;
    const bytes = async function* (): AsyncGenerator<Buffer> {
      while (open && (missing as number) > 0) {
        const piece = await r.next(missing as number);
        // The input ended inside the entry: its reader fails as tar-stream's entry did.
        if (!piece) throw new Error('Unexpected end of data');
        missing = (missing as number) - piece.length;
        yield piece;
      }
    };
    try {
      await onEntry(entryOf(typed, bytes));
    } finally {
      open = false;
    }
    if (missing === 0) {
      inEntry = false;
      missing = overflow(header.size);
    }
  }
  if (!(missing === 0 && !(await r.more()))) throw new Error('Unexpected end of data: the tar stream stopped before its end');
}

/** An entry whose unread bytes the parser passes over itself: draining it reads nothing. */
function entryOf(header: tar.Header, bytes: () => AsyncGenerator<Buffer>): TarEntry {
  return { header, [LAZY]: true, [Symbol.asyncIterator]: () => bytes() } as TarEntry;
}

/**
 * The input as a tar parser wants it: whether n more bytes exist (waiting for them), exactly n
 * of them, or the next piece of at most n. Slices of the input's chunks, never copies, except
 * where a header or a record straddles two chunks.
 */
class PullReader {
  private readonly it: AsyncIterator<Buffer>;
  private readonly signal: AbortSignal | undefined;
  /** Chunks read and not yet taken; the first from `offset`. */
  private readonly queue: Buffer[] = [];
  private offset = 0;
  private buffered = 0;
  private ended = false;
  /** Bytes taken so far (tar-stream's `byteOffset` of a header is this after it). */
  position = 0;

  constructor(input: AsyncIterable<Buffer>, signal?: AbortSignal) {
    this.it = input[Symbol.asyncIterator]();
    this.signal = signal;
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    if (this.signal?.aborted) throw this.signal.reason;
    const r = await this.it.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    if (chunk.length) {
      this.queue.push(chunk);
      this.buffered += chunk.length;
    }
    return true;
  }

  /** Whether `n` bytes are buffered now (no wait). */
  holds(n: number): boolean {
    return this.buffered >= n;
  }

  /** Whether at least `n` bytes remain (reads until they are there or the input ends). */
  async has(n: number): Promise<boolean> {
    while (this.buffered < n) if (!(await this.pull())) return false;
    return true;
  }

  more(): Promise<boolean> {
    return this.has(1);
  }

  /** Exactly `n` bytes; call only after `has(n)`. */
  take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.queue[0] as Buffer;
    if (first.length - this.offset >= n) return this.consume(first, n);
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const c = this.queue[0] as Buffer;
      const piece = this.consume(c, Math.min(left, c.length - this.offset));
      parts.push(piece);
      left -= piece.length;
    }
    return Buffer.concat(parts, n);
  }

  /** The next piece, of at most `max` bytes; undefined at the end of the input. */
  async next(max: number): Promise<Buffer | undefined> {
    if (!(await this.more())) return undefined;
    const c = this.queue[0] as Buffer;
    return this.consume(c, Math.min(max, c.length - this.offset));
  }

  /** Passes over up to `n` of the bytes buffered now; returns how many. */
  skipBuffered(n: number): number {
    let done = 0;
    while (done < n && this.buffered > 0) {
      const c = this.queue[0] as Buffer;
      done += this.consume(c, Math.min(n - done, c.length - this.offset)).length;
    }
    return done;
  }

  private consume(c: Buffer, n: number): Buffer {
    const piece = c.subarray(this.offset, this.offset + n);
    this.offset += n;
    this.buffered -= n;
    this.position += n;
    if (this.offset === c.length) {
      this.queue.shift();
      this.offset = 0;
    }
    return piece;
  }
}

/** Marks an entry whose bytes are read only on demand (from a file): draining it reads nothing. */
export const LAZY = Symbol('lazy entry');

/** Reads an entry's bytes and drops them. */
export async function drain(entry: AsyncIterable<unknown>): Promise<void> {
  if ((entry as { [LAZY]?: boolean })[LAZY] === true) return;
  for await (const _ of entry) {
    /* skip */
  }
}

/** Reads a small entry whole; past `limit` bytes it stops with `undefined` (and the caller says why). */
export async function readSmall(entry: AsyncIterable<Buffer>, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of entry) {
    size += c.length;
    if (size > limit) {
      await drain(entry);
      return undefined;
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
