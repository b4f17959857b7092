/**
 * Tar read by its headers alone, from a file on disk: what `docker save` writes and what an
 * uncompressed layer inside it is. Streaming every byte through tar-stream to find ~10,000
 * headers in 200 MB cost more than the rest of `moat sbom app.tar`; here only the 512-byte
 * headers (and the long-name and pax records) are read, with pread, and the bytes of an
 * entry only when someone iterates them.
 *
 * It must read every archive exactly as tar-stream (3.2) does, since the streaming path
 * still reads engines, registries and compressed layers: the header decoding below is
 * tar-stream's headers.js (MIT, mafintosh) ported as it is, and the walk follows its
 * extract.js: GNU long names, pax records (global ones merged under local ones), no data
 * skipped for directories, blocks after the end-of-archive marker still read as headers,
 * and the same error messages (the callers map them to their own words).
 */
import { readSync } from 'node:fs';
import type * as tar from 'tar-stream';

export const MAX_HEADER_SIZE = 4 * 1024 * 1024;
/** Entry bytes are handed out in pieces of at most this. */
const CHUNK = 1024 * 1024;
/** How much of a tar the header walk reads at once. */
const WINDOW = 256 * 1024;

/** A tar inside a file: from `offset`, `size` bytes. */
export interface FileRange {
  fd: number;
  offset: number;
  size: number;
}

/** Reads exactly `length` bytes at `position` (fewer only when the file ends first). */
export function preadExact(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/**
 * The bytes of a range, read lazily in pieces of at most CHUNK (fresh buffers: readers may
 * keep them). `available` (default `size`): how many of them the tar holds; past it the
 * read fails as tar-stream's entry does when its archive ends early.
 */
export async function* rangeBytes(fd: number, offset: number, size: number, available = size): AsyncGenerator<Buffer> {
  const have = Math.min(size, available);
  let pos = 0;
  while (pos < have) {
    const piece = preadExact(fd, offset + pos, Math.min(CHUNK, have - pos));
    // The file itself shorter than the tar said: changed under us.
    if (piece.length === 0) break;
    pos += piece.length;
    yield piece;
  }
  if (pos < size) throw new Error('Unexpected end of data');
}

/** An entry as the walk finds it: its header, where its bytes start in the file, how many of them the range holds. */
export interface TarFileEntry {
  /** As tar-stream gives it (whose types leave out what it really holds: a null type, byteOffset). */
  header: tar.Header;
  dataOffset: number;
  /** Bytes of the entry inside the range: less than its size when the tar is cut short. */
  available: number;
}

/** A header as tar-stream decodes it, before it is typed as tar.Header. */
export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  byteOffset: number;
  mtime: Date;
  type: string | null;
  linkname: string | null;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  pax: Record<string, string> | null;
}

export const overflow = (size: number): number => {
  const rest = size & 511;
  return rest && 512 - rest;
};

/**
 * Every entry of the tar in `range`, in order, as tar-stream's extract emits it when the
 * whole tar is at hand and each entry is read to its end. The loop is extract.js's
 * `_update` (with `_consumeHeader`, `_consumeLongHeader`, `_consumeStream` and `_final`)
 * ported line for line, quirks included (a long-name header with a broken size field,
 * say): for damaged archives too, both parsers must see the same entries. Throws
 * tar-stream's errors: `Invalid tar header…`, `Header exceeds max size`, `Invalid header`,
 * `Unexpected end of data`.
 */
export function* walkTarFile(range: FileRange, signal?: AbortSignal): Generator<TarFileEntry> {
  const end = range.offset + range.size;
  let pos = range.offset;
  const buffered = (): number => end - pos;
  // Headers are read through one window of the file rather than one pread each: a layer of
  // small files is mostly headers, ten thousand system calls where a few hundred do.
  const window = Buffer.allocUnsafe(WINDOW);
  let winStart = 0;
  let winEnd = 0;
  /**
   * BufferList.shift: exactly `size` bytes, or null (and nothing taken) when fewer remain. The
   * bytes may be a view of the window, good until the next shift: every caller decodes them at once.
   */
  const shift = (size: number): Buffer | null => {
    if (size > buffered()) return null;
    if (size === 0) return Buffer.alloc(0);
    if (size > WINDOW) {
      const buf = preadExact(range.fd, pos, size);
      pos += size;
      return buf;
    }
    if (pos < winStart || pos + size > winEnd) {
      let got = 0;
      const want = Math.min(WINDOW, end - pos);
      while (got < want) {
        const n = readSync(range.fd, window, got, want - got, pos + got);
        if (n === 0) break;
        got += n;
      }
      winStart = pos;
      winEnd = pos + got;
      // The file shorter than the range said (changed under us): what it holds, as preadExact gives it.
      if (pos + size > winEnd) {
        const short = Buffer.from(window.subarray(0, got));
        pos += size;
        return short;
      }
    }
    const buf = window.subarray(pos - winStart, pos - winStart + size);
    pos += size;
    return buf;
  };
  let header: RawHeader | null = null;
  // Numbers as tar-stream keeps them: a broken size field makes them null or NaN.
  let missing: number | null = 0;
  let longHeader = false;
  let inEntry = false;
  let pax: Record<string, string> | null = null;
  let paxGlobal: Record<string, string> | null = null;
  let gnuLongPath: string | null = null;
  let gnuLongLinkPath: string | null = null;

  while (buffered() > 0) {
    if (signal?.aborted) throw signal.reason;
    if ((missing as number) > 0) {
      const want = missing as number;
      if (inEntry) {
        // The entry's bytes: its reader takes them (rangeBytes); here they are passed over.
        const n = Math.min(want, buffered());
        pos += n;
        missing = want - n;
        if (missing === 0) {
          inEntry = false;
          missing = overflow((header as RawHeader).size);
        }
        continue;
      }
      if (longHeader) {
        if (want > buffered()) break;
        longHeader = false;
        const h = header as RawHeader;
        missing = overflow(h.size);
        const buf = shift(h.size);
        if (h.type === 'gnu-long-path') gnuLongPath = decodeStr(buf as Buffer, 0, (buf as Buffer).length);
        else if (h.type === 'gnu-long-link-path') gnuLongLinkPath = decodeStr(buf as Buffer, 0, (buf as Buffer).length);
        else if (h.type === 'pax-global-header') paxGlobal = decodePax(buf as Buffer);
        else if (h.type === 'pax-header') pax = paxGlobal === null ? decodePax(buf as Buffer) : { ...paxGlobal, ...decodePax(buf as Buffer) };
        continue;
      }
      const n = Math.min(want, buffered());
      pos += n;
      missing = want - n;
      continue;
    }
    if (buffered() < 512) break;
    header = decodeHeader(shift(512) as Buffer);
    if (!header) continue;
    header.byteOffset = pos - range.offset;
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
    if (header.size === 0 || header.type === 'directory') {
      yield { header: header as unknown as tar.Header, dataOffset: pos, available: 0 };
      continue;
    }
    inEntry = true;
    missing = header.size;
    yield { header: header as unknown as tar.Header, dataOffset: pos, available: Math.min(header.size, buffered()) };
  }
  if (!(missing === 0 && buffered() === 0)) throw new Error('Unexpected end of data');
}

// --- tar-stream 3.2.2 headers.js, ported (decode, decodePax, decodeLongPath) ---

const USTAR_MAGIC = Buffer.from([0x75, 0x73, 0x74, 0x61, 0x72, 0x00]);
const GNU_MAGIC = Buffer.from([0x75, 0x73, 0x74, 0x61, 0x72, 0x20]);
const GNU_VER = Buffer.from([0x20, 0x00]);

export function decodePax(input: Buffer): Record<string, string> {
  const result: Record<string, string> = {};
  let buf = input;
  while (buf.length) {
    let i = 0;
    while (i < buf.length && buf[i] !== 32) i++;
    const len = parseInt(buf.subarray(0, i).toString(), 10);
    if (!len) return result;
    const b = buf.subarray(i + 1, len - 1).toString();
    const keyIndex = b.indexOf('=');
    if (keyIndex === -1) return result;
    result[b.slice(0, keyIndex)] = b.slice(keyIndex + 1);
    buf = buf.subarray(len);
  }
  return result;
}

export function decodeHeader(buf: Buffer): RawHeader | null {
  const typeflag = buf[156] === 0 ? 0 : (buf[156] as number) - 48;
  let name = decodeStr(buf, 0, 100);
  const mode = decodeOct(buf, 100, 8);
  const uid = decodeOct(buf, 108, 8);
  const gid = decodeOct(buf, 116, 8);
  const size = decodeOct(buf, 124, 12);
  const mtime = decodeOct(buf, 136, 12);
  const type = toType(typeflag);
  const linkname = buf[157] === 0 ? null : decodeStr(buf, 157, 100);
  const uname = decodeStr(buf, 265, 32);
  const gname = decodeStr(buf, 297, 32);
  const devmajor = decodeOct(buf, 329, 8);
  const devminor = decodeOct(buf, 337, 8);
  const c = cksum(buf);
  // The checksum is still its initial value: a zero block (the end-of-archive marker).
  if (c === 8 * 32) return null;
  if (c !== decodeOct(buf, 148, 8)) throw new Error('Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');
  if (USTAR_MAGIC.equals(buf.subarray(257, 263))) {
    if (buf[345]) name = decodeStr(buf, 345, 155) + '/' + name;
  } else if (!(GNU_MAGIC.equals(buf.subarray(257, 263)) && GNU_VER.equals(buf.subarray(263, 265)))) {
    throw new Error('Invalid tar header: unknown format.');
  }
  // tar-stream's own header shape (its types say `type` is never null; it is, for unknown
  // flags). Like tar-stream, `type` is taken before the old trailing-slash rule for
  // directories, which therefore changes nothing.
  return {
    name,
    mode: mode as number,
    uid: uid as number,
    gid: gid as number,
    size: size as number,
    byteOffset: 0,
    mtime: new Date(1000 * (mtime as number)),
    type,
    linkname,
    uname,
    gname,
    devmajor: devmajor as number,
    devminor: devminor as number,
    pax: null,
  };
}

function toType(flag: number): string | null {
  switch (flag) {
    case 0:
      return 'file';
    case 1:
      return 'link';
    case 2:
      return 'symlink';
    case 3:
      return 'character-device';
    case 4:
      return 'block-device';
    case 5:
      return 'directory';
    case 6:
      return 'fifo';
    case 7:
      return 'contiguous-file';
    case 72:
      return 'pax-header';
    case 55:
      return 'pax-global-header';
    case 27:
      return 'gnu-long-link-path';
    case 28:
    case 30:
      return 'gnu-long-path';
  }
  return null;
}

function indexOf(block: Buffer, num: number, offset: number, end: number): number {
  for (; offset < end; offset++) if (block[offset] === num) return offset;
  return end;
}

function cksum(block: Buffer): number {
  let sum = 8 * 32;
  for (let i = 0; i < 148; i++) sum += block[i] as number;
  for (let j = 156; j < 512; j++) sum += block[j] as number;
  return sum;
}

function clamp(index: number, len: number, defaultValue: number): number {
  if (typeof index !== 'number') return defaultValue;
  index = ~~index;
  if (index >= len) return len;
  if (index >= 0) return index;
  index += len;
  if (index >= 0) return index;
  return 0;
}

function parse256(buf: Buffer): number | null {
  let positive: boolean;
  if (buf[0] === 0x80) positive = true;
  else if (buf[0] === 0xff) positive = false;
  else return null;
  const tuple: number[] = [];
  for (let i = buf.length - 1; i > 0; i--) {
    const byte = buf[i] as number;
    tuple.push(positive ? byte : 0xff - byte);
  }
  let sum = 0;
  for (let i = 0; i < tuple.length; i++) sum += (tuple[i] as number) * Math.pow(256, i);
  return positive ? sum : -1 * sum;
}

function decodeOct(input: Buffer, start: number, length: number): number | null {
  const val = input.subarray(start, start + length);
  let offset = 0;
  if ((val[offset] as number) & 0x80) return parse256(val);
  while (offset < val.length && val[offset] === 32) offset++;
  const end = clamp(indexOf(val, 32, offset, val.length), val.length, val.length);
  while (offset < end && val[offset] === 0) offset++;
  if (end === offset) return 0;
  return parseInt(val.subarray(offset, end).toString(), 8);
}

export function decodeStr(val: Buffer, offset: number, length: number): string {
  return val.subarray(offset, indexOf(val, 0, offset, offset + length)).toString('utf-8');
}
