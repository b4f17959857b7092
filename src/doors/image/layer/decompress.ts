import { Readable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';

export type Compression = 'gzip' | 'zstd' | 'none';

/**
 * Layers say their compression in a media type only in OCI manifests (and registries
 * lie sometimes); docker-save legacy layers say nothing. The first bytes always tell.
 * zstd is Node's own (node:zlib, Node 22.15+/23.8+): no native addon.
 */
export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** Splits the first chunk off an async source so its bytes can be sniffed, then yields everything. */
export async function peek(source: AsyncIterable<Buffer>, want = 8): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const it = source[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let have = 0;
  let done = false;
  while (have < want) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    first.push(chunk);
    have += chunk.length;
  }
  const head = Buffer.concat(first);
  // Not a generator: after the head, each step is the source's own promise (one `then` where
  // a chunk may not be a Buffer), where a generator would add a yield and an await per chunk
  // at every one of the several levels an image is read through.
  let headLeft = head.length > 0;
  const all: AsyncIterableIterator<Buffer> = {
    next(): Promise<IteratorResult<Buffer>> {
      if (headLeft) {
        headLeft = false;
        return Promise.resolve({ done: false, value: head });
      }
      if (done) return Promise.resolve({ done: true, value: undefined });
      return it.next().then(asBufferStep);
    },
    // As a generator's would: ends this iterator, leaves the source to whoever reads it.
    return(): Promise<IteratorResult<Buffer>> {
      headLeft = false;
      done = true;
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { head, all };
}

function asBufferStep(r: IteratorResult<Buffer>): IteratorResult<Buffer> {
  if (r.done) return r;
  return Buffer.isBuffer(r.value) ? r : { done: false, value: Buffer.from(r.value as Uint8Array) };
}

export function decompress(source: AsyncIterable<Buffer>, compression: Compression): AsyncIterable<Buffer> {
  if (compression === 'none') return source;
  const inflater = compression === 'gzip' ? createGunzip() : createZstdDecompress();
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (e) => inflater.destroy(e));
  return input.pipe(inflater);
}
