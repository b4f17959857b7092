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
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    }
  }
  return { head, all: all() };
}

export function decompress(source: AsyncIterable<Buffer>, compression: Compression): AsyncIterable<Buffer> {
  if (compression === 'none') return source;
  const inflater = compression === 'gzip' ? createGunzip() : createZstdDecompress();
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (e) => inflater.destroy(e));
  return input.pipe(inflater);
}
