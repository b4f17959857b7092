/**
 * A yauzl random-access reader over a file, reading 4 MiB blocks synchronously and
 * keeping the last few. yauzl's own file reader issues one small asynchronous read per
 * header and per entry, which leaves an import of an all.zip of 500,000 small records
 * waiting on the thread pool most of its time; entries and the central directory are
 * both read front to back, so a handful of cached blocks serves nearly every read.
 * Blocks are never reused: a stream still inflating one keeps it alive.
 */
import { closeSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

const BLOCK = 4 * 1024 * 1024;
const KEEP = 4;

export class BlockReader extends yauzl.RandomAccessReader {
  private readonly fd: number;
  private readonly size: number;
  private readonly blocks = new Map<number, Buffer>();

  constructor(fd: number, size: number) {
    super();
    this.fd = fd;
    this.size = size;
  }

  private block(index: number): Buffer {
    let b = this.blocks.get(index);
    if (b !== undefined) {
      // Most recently used last.
      this.blocks.delete(index);
      this.blocks.set(index, b);
      return b;
    }
    const start = index * BLOCK;
    const length = Math.min(BLOCK, this.size - start);
    b = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, b, done, length - done, start + done);
      if (n === 0) throw new Error(`unexpected end of file at byte ${start + done}`);
      done += n;
    }
    this.blocks.set(index, b);
    if (this.blocks.size > KEEP) this.blocks.delete(this.blocks.keys().next().value as number);
    return b;
  }

  slice(start: number, end: number): Buffer {
    if (start < 0 || end > this.size || start > end) throw new Error(`read of bytes ${start}-${end} outside the ${this.size}-byte file`);
    const first = Math.floor(start / BLOCK);
    const last = Math.floor(Math.max(end - 1, start) / BLOCK);
    if (first === last) {
      const b = this.block(first);
      return b.subarray(start - first * BLOCK, end - first * BLOCK);
    }
    const parts: Buffer[] = [];
    for (let i = first; i <= last; i++) {
      const b = this.block(i);
      const from = i === first ? start - i * BLOCK : 0;
      const to = i === last ? end - i * BLOCK : b.length;
      parts.push(b.subarray(from, to));
    }
    return Buffer.concat(parts);
  }

  /**
   * yauzl reads the central directory and local headers through `read`; the default
   * builds three streams per call (and, over this reader, kept them alive), so the
   * bytes are copied here directly.
   */
  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    let err: Error | null = null;
    try {
      this.slice(position, position + length).copy(buffer, offset);
    } catch (e) {
      err = e as Error;
    }
    process.nextTick(callback, err);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    try {
      return Readable.from([this.slice(start, end)], { objectMode: false });
    } catch (e) {
      return new Readable({
        read() {
          this.destroy(e as Error);
        },
      });
    }
  }

  override close(callback: (err: Error | null) => void): void {
    try {
      closeSync(this.fd);
      callback(null);
    } catch (e) {
      callback(e as Error);
    }
  }
}
