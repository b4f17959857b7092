import { createHash } from 'node:crypto';
import type * as tar from 'tar-stream';
import type { Analyzer, FileHeader, StreamConsumer } from '../../analyzers/analyzer.ts';
import type { InventoryProblem } from '../../../models/inventory.ts';
import type { TempSpace } from '../../../util/temp-space.ts';
import { MoatError } from '../../../util/errors.ts';
import { EngineError } from '../../engine/errors.ts';
import { ContentCollector } from '../files/content.ts';
import { baseName, normalizeEntryPath, parentOf, joinPath } from '../files/paths.ts';
import type { FileType, Inode } from '../files/tree.ts';
import { decompress, peek, sniffCompression, type Compression } from './decompress.ts';
import { drain, forEachTarEntry, LAZY, type TarEntry } from './tar-entries.ts';
import { preadExact, rangeBytes, walkTarFile, type FileRange } from './tar-file.ts';
import { hashFileRange } from '../../../util/hash-workers.ts';

/** One layer as read from its tar: what it does to the file system, in the order it says it. */
export interface LayerRecord {
  /** `sha256:…` of the bytes as stored (compressed if they are): the manifest's layer digest. */
  digest: string;
  /** `sha256:…` of the uncompressed tar: the config's diff_id. */
  diffId: string;
  compression: Compression;
  /** Bytes as stored. */
  size: number;
  /** Lower-layer paths this layer deletes (`.wh.NAME`) and directories it makes opaque (`.wh..wh..opq`). */
  whiteouts: string[];
  opaques: string[];
  ops: LayerOp[];
  problems: InventoryProblem[];
}

export type LayerOp = { kind: 'put'; path: string; inode: Inode } | { kind: 'link'; path: string; target: string; mode: number; uid: number; gid: number };

/** Shared by all layers of one read: what to keep, where, and the limits. */
export interface LayerReadContext {
  analyzers: readonly Analyzer[];
  temp: TempSpace;
  /** Entries seen so far over all layers; bounded so a hostile archive cannot exhaust memory. */
  budget: { entries: number };
  onBytes?: (n: number) => void;
  signal?: AbortSignal;
}

/** Metadata of every entry is kept; past this many, the image is refused rather than half-read. */
export const MAX_ENTRIES = 2_000_000;
/** Uncompressed bytes in one layer (a decompression bomb would otherwise run for hours). */
export const MAX_LAYER_BYTES = 64 * 1024 ** 3;

/** A layer that cannot be read: malformed, truncated, hostile. The message says what and where (inside the layer). */
export class LayerError extends Error {
  override readonly name = 'LayerError';
}

const tooLarge = (): LayerError => new LayerError(`it expands to more than ${MAX_LAYER_BYTES / 1024 ** 3} GiB uncompressed`);

const TYPES: Partial<Record<tar.Header['type'], FileType>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

/**
 * Reads one layer blob (gzip, zstd or plain tar) in one pass: hashes it as stored and as
 * uncompressed, records every entry's metadata, keeps the contents analyzers want and
 * feeds their stream consumers. Writes nothing but wanted contents, into the temp space,
 * under names of its own.
 */
export async function readLayer(source: AsyncIterable<Buffer>, ctx: LayerReadContext, file?: FileRange): Promise<LayerRecord> {
  // A plain tar in a file is read by its headers and hashed on another core; `source` is then not read.
  if (file && sniffCompression(preadExact(file.fd, file.offset, Math.min(8, file.size))) === 'none') return readPlainLayerFile(file, ctx);
  // A stream is hashed where it is read: handing 200 MB to a worker cost more CPU than it saved
  // on this thread, and the engine's export is bound by the two cores dockerd shares with Moat.
  const rawHash = createHash('sha256');
  const plainHash = createHash('sha256');
  let size = 0;
  let plainSize = 0;
  const { head, all } = await peek(source);
  const compression = sniffCompression(head);
  async function* hashedRaw(): AsyncGenerator<Buffer> {
    for await (const c of all) {
      rawHash.update(c);
      size += c.length;
      // A plain tar is its own uncompressed form: one pass counts and hashes both.
      if (compression === 'none' && size > MAX_LAYER_BYTES) throw tooLarge();
      ctx.onBytes?.(c.length);
      yield c;
    }
  }
  async function* hashedPlain(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const c of input) {
      plainSize += c.length;
      if (plainSize > MAX_LAYER_BYTES) throw tooLarge();
      plainHash.update(c);
      yield c;
    }
  }

  const record: LayerRecord = { digest: '', diffId: '', compression, size: 0, whiteouts: [], opaques: [], ops: [], problems: [] };
  try {
    const tarBytes = compression === 'none' ? hashedRaw() : hashedPlain(decompress(hashedRaw(), compression));
    await forEachTarEntry(tarBytes, (entry) => readEntry(entry, record, ctx), ctx.signal);
  } catch (e) {
    throw asLayerError(e, compression);
  }
  record.size = size;
  record.digest = `sha256:${rawHash.digest('hex')}`;
  record.diffId = compression === 'none' ? record.digest : `sha256:${plainHash.digest('hex')}`;
  return record;
}

/**
 * An uncompressed layer in a file (a `docker save` archive on disk): the main thread walks
 * its headers (tar-file.ts) and reads only the files analyzers want, while a worker hashes
 * the whole range. Same record, same errors as the streaming read.
 */
async function readPlainLayerFile(file: FileRange, ctx: LayerReadContext): Promise<LayerRecord> {
  if (file.size > MAX_LAYER_BYTES) throw tooLarge();
  const digest = hashFileRange(file.fd, file.offset, file.size);
  // Awaited below; a walk that fails first must not leave it unhandled.
  digest.catch(() => undefined);
  const record: LayerRecord = { digest: '', diffId: '', compression: 'none', size: file.size, whiteouts: [], opaques: [], ops: [], problems: [] };
  let reported = file.offset;
  try {
    for (const { header, dataOffset, available } of walkTarFile(file, ctx.signal)) {
      ctx.onBytes?.(dataOffset - reported);
      reported = dataOffset;
      const entry = Object.assign(rangeBytes(file.fd, dataOffset, available === 0 ? 0 : header.size, available), { header, [LAZY]: true });
      await readEntry(entry, record, ctx);
    }
  } catch (e) {
    throw asLayerError(e, 'none');
  }
  ctx.onBytes?.(file.offset + file.size - reported);
  try {
    record.digest = `sha256:${await digest}`;
  } catch (e) {
    throw new LayerError(`it could not be hashed: ${(e as Error).message}`);
  }
  record.diffId = record.digest;
  return record;
}

async function readEntry(entry: TarEntry, record: LayerRecord, ctx: LayerReadContext): Promise<void> {
  const h = entry.header;
  if (++ctx.budget.entries > MAX_ENTRIES) throw new LayerError(`the image has more than ${MAX_ENTRIES} entries; Moat refuses it rather than report part of it`);
  const norm = normalizeEntryPath(h.name);
  if (!norm.ok) throw new LayerError(`entry "${printable(h.name)}" ${norm.reason}: Docker refuses such a layer, and so does Moat`);
  const path = norm.path;
  const base = baseName(path);

  if (base.startsWith('.wh.')) {
    await drain(entry);
    if (base === '.wh..wh..opq') record.opaques.push(parentOf(path));
    else if (!base.startsWith('.wh..wh.')) record.whiteouts.push(joinPath(parentOf(path), base.slice(4)));
    // Other `.wh..wh.*` names are aufs bookkeeping, not part of the image.
    return;
  }
  if (h.type === 'link') {
    await drain(entry);
    const target = normalizeEntryPath(h.linkname ?? '');
    if (!target.ok || target.path === '') throw new LayerError(`hard link "${printable(h.name)}" → "${printable(h.linkname ?? '')}" points outside the image root: Docker refuses such a layer, and so does Moat`);
    record.ops.push({ kind: 'link', path, target: target.path, mode: h.mode & 0o7777, uid: h.uid, gid: h.gid });
    return;
  }
  if (h.type === 'character-device' && h.devmajor === 0 && h.devminor === 0) {
    // overlayfs's own whiteout: Docker's overlay2 driver unpacks it as one, so it hides
    // the lower path and is not itself a file of the image.
    await drain(entry);
    record.whiteouts.push(path);
    return;
  }
  const type = TYPES[h.type];
  if (!type) {
    await drain(entry);
    record.problems.push({ analyzer: 'image', path, message: `entry /${path} has tar type "${h.type}", which images do not use; it was skipped` });
    return;
  }
  const inode: Inode = {
    type,
    size: type === 'file' ? h.size : 0,
    // Linux symlinks have no permissions of their own: always 0777, whatever the header says.
    mode: type === 'symlink' ? 0o777 : h.mode & 0o7777,
    uid: h.uid,
    gid: h.gid,
    layer: -1,
    contentState: 'not-kept',
    ...(type === 'symlink' ? { linkname: h.linkname ?? '' } : {}),
  };
  record.ops.push({ kind: 'put', path, inode });
  if (type !== 'file') {
    await drain(entry);
    return;
  }
  await keepWanted(entry, { path, type, size: inode.size, mode: inode.mode, uid: inode.uid, gid: inode.gid }, inode, record.problems, ctx);
}

/**
 * Asks every analyzer whether it wants this file (from its header alone); keeps the
 * content once for all that want it, and feeds the stream consumers, in one read of the
 * bytes. Always reads `bytes` to the end.
 */
export async function keepWanted(
  bytes: AsyncIterable<Buffer>,
  header: FileHeader,
  inode: Inode,
  problems: InventoryProblem[],
  ctx: Pick<LayerReadContext, 'analyzers' | 'temp'>,
): Promise<void> {
  let collector: ContentCollector | undefined;
  const consumers: Array<{ analyzer: Analyzer; consumer: StreamConsumer<unknown> }> = [];
  for (const a of ctx.analyzers) {
    const want = a.want(header);
    if (want === 'content') collector ??= new ContentCollector(ctx.temp);
    else if (want === 'stream' && a.consume) consumers.push({ analyzer: a, consumer: a.consume(header) });
  }
  if (!collector && consumers.length === 0) {
    await drain(bytes);
    return;
  }
  const failed = new Set<Analyzer>();
  try {
    for await (const chunk of bytes) {
      if (collector) await collector.write(chunk);
      for (const c of consumers) {
        if (failed.has(c.analyzer)) continue;
        try {
          await c.consumer.write(chunk);
        } catch (e) {
          failed.add(c.analyzer);
          c.consumer.abort?.();
          problems.push({ analyzer: c.analyzer.name, path: header.path, message: `reading /${header.path} failed: ${(e as Error).message}` });
        }
      }
    }
  } catch (e) {
    await collector?.abort();
    for (const c of consumers) c.consumer.abort?.();
    throw e;
  }
  if (collector) {
    const kept = await collector.finish();
    if (kept) {
      inode.content = kept.content;
      inode.digests = kept.digests;
      inode.contentState = 'kept';
    } else inode.contentState = 'too-large';
  }
  for (const c of consumers) {
    if (failed.has(c.analyzer)) continue;
    try {
      const result = await c.consumer.end();
      if (result !== undefined) (inode.streamed ??= new Map()).set(c.analyzer.name, result);
    } catch (e) {
      problems.push({ analyzer: c.analyzer.name, path: header.path, message: `reading /${header.path} failed: ${(e as Error).message}` });
    }
  }
}

function asLayerError(e: unknown, compression: Compression): Error {
  // Not the layer's fault: an interrupt, the engine going away, a source's own error.
  if (e instanceof LayerError || e instanceof MoatError || e instanceof EngineError) return e;
  if (e instanceof Error && e.name === 'AbortError') return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/Unexpected end of data|unexpected end of file/i.test(msg)) return new LayerError(`it is truncated (${compression === 'none' ? 'tar' : compression} stream ends early)`);
  if (/Invalid tar header|Header exceeds max size|Invalid header/i.test(msg)) return new LayerError(`it is not a valid tar archive (${msg})`);
  if (compression !== 'none' && /incorrect header check|invalid|corrupt|Unknown frame descriptor|data error/i.test(msg)) return new LayerError(`its ${compression} data is corrupt (${msg})`);
  return new LayerError(msg);
}

/** Names come from the archive: never print control characters from them. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}
