/**
 * Reads OSV JSON out of what `moat db import` is given (a `.json` file, a directory of
 * them, an OSV `all.zip`) under limits that make hostile input cost little: entries
 * are never written to disk, each is read into memory only up to a size cap, zip
 * entries with a bomb's compression ratio or unsafe names are skipped, and JSON nested
 * past a depth cap is refused before it is parsed.
 *
 * Every entry ends in exactly one call to the sink: `record` with its text, or `skip`
 * with a reason. Problems with the source as a whole (unreadable, not a zip, truncated)
 * throw a MoatError: the import then fails and the previous database stays.
 */
import { closeSync, constants, fstatSync, openSync, type Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';
import { crc32, inflateRawSync } from 'node:zlib';
import { MoatError } from '../../../util/errors.ts';
import { nestingDepth } from '../../../util/json-depth.ts';
import { BlockReader } from './block-reader.ts';

export interface ReadLimits {
  /** Largest record, in bytes (real OSV records stay under 2 MiB). */
  maxRecordBytes: number;
  /** Deepest nesting of arrays and objects (OSV needs fewer than 10). */
  maxDepth: number;
  /** Uncompressed to compressed size, above which a zip entry is taken for a bomb. */
  maxRatio: number;
  /** Uncompressed bytes one source may produce in total. */
  maxTotalBytes: number;
  /**
   * Uncompressed bytes an archive may produce per byte of its real size (with a floor of
   * maxRecordBytes, for tiny archives). OSV's all.zip inflates about 10 to 1: the bound is
   * the file on disk, never what its directory claims, so repeating one entry 4,000 times
   * in a 350 KB archive is refused before a minute of inflating.
   */
  maxTotalRatio: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxRecordBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxRatio: 1000,
  maxTotalBytes: 64 * 1024 * 1024 * 1024,
  maxTotalRatio: 100,
};

export interface RecordSink {
  record(text: string, where: string): void;
  skip(reason: string, where: string): void;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads one path given on the command line. */
export async function readSource(file: string, limits: ReadLimits, sink: RecordSink): Promise<void> {
  let info;
  try {
    info = await stat(file);
  } catch (e) {
    throw new MoatError('usage', `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  if (info.isDirectory()) return readDirectory(file, limits, sink);
  // A FIFO named x.zip would block the read forever, a device would never end.
  if (!info.isFile()) throw new MoatError('usage', `${file}: ${fileKind(info)}, not a regular file: give OSV JSON records, an OSV all.zip or a directory of them`);
  if (/\.zip$/i.test(file)) return readZip(file, limits, sink);
  if (/\.json$/i.test(file)) return readJsonFile(file, info.size, limits, sink);
  throw new MoatError('usage', `${file}: not a .json file, a .zip file or a directory: give OSV JSON records or an OSV all.zip`);
}

async function readDirectory(dir: string, limits: ReadLimits, sink: RecordSink): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (e) {
    throw new MoatError('incomplete', `${dir}: cannot list: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // Symbolic links are not followed: a directory of records never needs one to leave it.
  const files = entries
    .filter((e) => e.isFile() && /\.(json|zip)$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const f of files) {
    if (/\.zip$/i.test(f)) await readZip(f, limits, sink);
    else await readJsonFile(f, (await stat(f)).size, limits, sink);
  }
}

async function readJsonFile(file: string, size: number, limits: ReadLimits, sink: RecordSink): Promise<void> {
  if (size > limits.maxRecordBytes) return sink.skip(`larger than ${mib(limits.maxRecordBytes)}`, file);
  let text: string;
  try {
    text = decoder.decode(await readFile(file));
  } catch (e) {
    if (e instanceof TypeError) return sink.skip('not UTF-8 text', file);
    throw new MoatError('incomplete', `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  deliver(text, file, limits, sink);
}

/** Hands over `text`, or skips it when its nesting is deeper than the limit. */
function deliver(text: string, where: string, limits: ReadLimits, sink: RecordSink): void {
  if (nestingDepth(text, limits.maxDepth) > limits.maxDepth) return sink.skip(`JSON nested deeper than ${limits.maxDepth} levels`, where);
  sink.record(text, where);
}

function fileKind(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}

/** A name that could only mean escaping the archive, or confusing whoever reads the list. */
function unsafeName(name: string): string | undefined {
  if (name.includes('\0')) return 'a NUL byte';
  if (name.includes('\\')) return 'a backslash';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'an absolute path';
  if (name.split('/').includes('..')) return 'a ".." component';
  return undefined;
}

async function readZip(file: string, limits: ReadLimits, sink: RecordSink): Promise<void> {
  let fd: number;
  try {
    // Non-blocking: something swapped in for the file since it was checked must not hang the open.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new MoatError('incomplete', `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const info = fstatSync(fd);
  if (!info.isFile()) {
    closeSync(fd);
    throw new MoatError('usage', `${file}: ${fileKind(info)}, not a regular file: give an OSV all.zip`);
  }
  const size = info.size;
  const maxTotal = Math.min(limits.maxTotalBytes, Math.max(size * limits.maxTotalRatio, limits.maxRecordBytes));
  const spans = new Spans();
  const reader = new BlockReader(fd, size);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    // Names are checked here rather than by yauzl, which would abort the whole archive.
    yauzl.fromRandomAccessReader(reader, size, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true }, (err, z) => {
      if (err || !z) {
        reader.close(() => undefined);
        reject(new MoatError('incomplete', `${file}: not a readable zip archive (${err?.message ?? 'no archive'}); download it again`));
      } else resolve(z);
    });
  });
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown): void => {
      zip.close();
      reject(e);
    };
    zip.on('error', (e: Error) => fail(new MoatError('incomplete', `${file}: the zip archive is damaged (${e.message}); download it again`)));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const raw = entry.fileName as unknown as Buffer;
      const name = raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1');
      const where = `${file}:${name}`;
      const next = (): void => zip.readEntry();
      if (name.endsWith('/')) return next();
      const unsafe = unsafeName(name);
      if (unsafe !== undefined) {
        sink.skip(`unsafe entry name (${unsafe})`, where);
        return next();
      }
      if (!/\.json$/i.test(name)) return next();
      if (entry.uncompressedSize > limits.maxRecordBytes) {
        sink.skip(`larger than ${mib(limits.maxRecordBytes)}`, where);
        return next();
      }
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      if (entry.uncompressedSize > 1024 * 1024 && ratio > limits.maxRatio) {
        sink.skip(`compression ratio above ${limits.maxRatio}:1 (a zip bomb?)`, where);
        return next();
      }
      let bytes: Buffer;
      try {
        const data = entryData(reader, entry);
        const other = spans.claim(data.start - data.headerBytes, data.start + entry.compressedSize, name);
        if (other !== undefined) {
          return fail(new MoatError('incomplete', `${where}: its data overlaps entry ${other === name ? 'of the same name' : JSON.stringify(other)} (a zip listing the same bytes many times): refusing the archive`));
        }
        total += entry.uncompressedSize;
        if (total > maxTotal) {
          return fail(new MoatError('incomplete', `${where}: the entries up to this one inflate to more than ${mib(maxTotal)}, ${limits.maxTotalRatio} times the archive's ${size} bytes: refusing the archive (a zip bomb?)`));
        }
        bytes = entryBytes(reader, entry, data.start, limits.maxRecordBytes);
      } catch (e) {
        sink.skip(`unreadable entry (${(e as Error).message})`, where);
        return next();
      }
      let text: string;
      try {
        text = decoder.decode(bytes);
      } catch {
        sink.skip('not UTF-8 text', where);
        return next();
      }
      try {
        deliver(text, where, limits, sink);
      } catch (e) {
        return fail(e);
      }
      next();
    });
    zip.readEntry();
  });
}

/** Where an entry's stored bytes start, after its local header (which the directory points at). */
function entryData(reader: BlockReader, entry: yauzl.Entry): { start: number; headerBytes: number } {
  const header = reader.slice(entry.relativeOffsetOfLocalHeader, entry.relativeOffsetOfLocalHeader + 30);
  if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) throw new Error('no local file header where the directory says');
  const headerBytes = 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  return { start: entry.relativeOffsetOfLocalHeader + headerBytes, headerBytes };
}

/**
 * The byte ranges of the entries read so far. Each byte of the archive is read for one
 * entry at most, so the work is bounded by the file's size, not by its directory. Real
 * archives list entries in file order, which makes each claim a constant-time append.
 */
class Spans {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly names: string[] = [];

  /** Records [start, end) for `name`; returns the name of an entry it overlaps instead, if any. */
  claim(start: number, end: number, name: string): string | undefined {
    // First span starting at or after `start`.
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] as number) < start) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && (this.ends[lo - 1] as number) > start) return this.names[lo - 1];
    if (lo < this.starts.length && (this.starts[lo] as number) < Math.max(end, start + 1)) return this.names[lo];
    this.starts.splice(lo, 0, start);
    this.ends.splice(lo, 0, end);
    this.names.splice(lo, 0, name);
    return undefined;
  }
}

/**
 * One entry's bytes, inflated in one synchronous call bounded by `max`: a stream and a
 * zlib context per entry cost more than the records themselves. The sizes and CRC the
 * central directory declares must hold, or the entry is refused.
 */
function entryBytes(reader: BlockReader, entry: yauzl.Entry, start: number, max: number): Buffer {
  if ((entry.generalPurposeBitFlag & 0x1) !== 0) throw new Error('encrypted');
  const stored = reader.slice(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.compressionMethod === 0) data = stored;
  else if (entry.compressionMethod === 8) {
    // One output chunk of the declared size (already checked against `max`): inflating
    // past it fails instead of allocating, and a single chunk halves the cost.
    const bound = Math.min(entry.uncompressedSize, max) + 1;
    try {
      data = inflateRawSync(stored, { maxOutputLength: bound, chunkSize: Math.max(bound, 64) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(code === 'ERR_BUFFER_TOO_LARGE' ? `inflates past the ${entry.uncompressedSize} bytes the directory declares` : `bad deflate data (${code ?? (e as Error).message})`);
    }
  } else throw new Error(`compression method ${entry.compressionMethod} is not supported`);
  if (data.length !== entry.uncompressedSize) throw new Error(`inflates to ${data.length} bytes, the directory says ${entry.uncompressedSize}`);
  if (crc32(data) !== entry.crc32) throw new Error('CRC mismatch');
  return data;
}
