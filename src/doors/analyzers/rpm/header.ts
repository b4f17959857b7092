/**
 * rpm's header format, as the package database stores each installed package (the
 * `blob` of the sqlite `Packages` table, a BerkeleyDB value, an NDB blob): no lead and no
 * header magic, just
 *
 *     il: uint32 BE    number of index entries
 *     dl: uint32 BE    bytes in the data store
 *     il × { tag: int32, type: uint32, offset: int32, count: uint32 } (BE)
 *     dl bytes of data
 *
 * Every offset and count comes from the file, so each is checked against the blob before
 * it is followed; rpm's own limits (hdrblobInit) bound the sizes.
 */

export const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
} as const;

const TYPE = { INT32: 4, STRING: 6, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

/** rpm's hdrblob limits: 64 Ki index entries, 256 MiB of data. */
const MAX_INDEX = 0xffff;
const MAX_DATA = 0x0fffffff;

export class HeaderError extends Error {
  override readonly name = 'HeaderError';
}

interface IndexEntry {
  type: number;
  offset: number;
  count: number;
}

/** One header's index, with typed reads of the tags Moat needs. */
export class RpmHeader {
  private readonly entries = new Map<number, IndexEntry>();
  private readonly data: Buffer;

  constructor(blob: Buffer) {
    if (blob.length < 8) throw new HeaderError(`the header is ${blob.length} bytes, shorter than its 8-byte preamble`);
    const il = blob.readUInt32BE(0);
    const dl = blob.readUInt32BE(4);
    if (il < 1 || il > MAX_INDEX) throw new HeaderError(`the header claims ${il} index entries (rpm allows 1 to ${MAX_INDEX})`);
    if (dl > MAX_DATA) throw new HeaderError(`the header claims ${dl} bytes of data (rpm allows at most ${MAX_DATA})`);
    const start = 8 + il * 16;
    if (blob.length < start + dl) throw new HeaderError(`the header is truncated: ${blob.length} bytes, its index and data need ${start + dl}`);
    this.data = blob.subarray(start, start + dl);
    for (let i = 0; i < il; i++) {
      const at = 8 + i * 16;
      const tag = blob.readInt32BE(at);
      const entry = { type: blob.readUInt32BE(at + 4), offset: blob.readInt32BE(at + 8), count: blob.readUInt32BE(at + 12) };
      if (entry.offset < 0 || entry.offset >= dl) {
        // Region tags (HEADERIMMUTABLE…) may point at the trailer just past the data; nothing read here is one.
        continue;
      }
      if (!this.entries.has(tag)) this.entries.set(tag, entry);
    }
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** A STRING (or the first of a STRING_ARRAY / I18NSTRING: the untranslated text). */
  string(tag: number): string | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== TYPE.STRING && e.type !== TYPE.STRING_ARRAY && e.type !== TYPE.I18NSTRING) throw new HeaderError(`tag ${tag} has type ${e.type}, not a string`);
    if (e.count < 1) throw new HeaderError(`tag ${tag} holds no string`);
    const end = this.data.indexOf(0, e.offset);
    if (end < 0) throw new HeaderError(`the string of tag ${tag} runs past the end of the header`);
    return this.data.toString('utf8', e.offset, end);
  }

  /** The first INT32 of a tag. */
  int32(tag: number): number | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== TYPE.INT32) throw new HeaderError(`tag ${tag} has type ${e.type}, not an INT32`);
    if (e.count < 1 || e.offset + 4 > this.data.length) throw new HeaderError(`the INT32 of tag ${tag} runs past the end of the header`);
    return this.data.readUInt32BE(e.offset);
  }
}

export interface RpmPackageInfo {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  sourceRpm?: string;
  license?: string;
  vendor?: string;
}

/** The tags an inventory needs; NAME, VERSION and RELEASE are required. */
export function readPackageInfo(blob: Buffer): RpmPackageInfo {
  const h = new RpmHeader(blob);
  const name = h.string(TAG.NAME);
  const version = h.string(TAG.VERSION);
  const release = h.string(TAG.RELEASE);
  if (!name || !version || !release) throw new HeaderError(`the header has no ${!name ? 'NAME' : !version ? 'VERSION' : 'RELEASE'}`);
  const epoch = h.int32(TAG.EPOCH);
  const opt = (tag: number): string | undefined => h.string(tag) || undefined;
  const arch = opt(TAG.ARCH);
  const sourceRpm = opt(TAG.SOURCERPM);
  const license = opt(TAG.LICENSE);
  const vendor = opt(TAG.VENDOR);
  return {
    name,
    version,
    release,
    ...(epoch !== undefined ? { epoch } : {}),
    ...(arch ? { arch } : {}),
    ...(sourceRpm ? { sourceRpm } : {}),
    ...(license ? { license } : {}),
    ...(vendor ? { vendor } : {}),
  };
}

/** `bash-5.1.8-6.el9.src.rpm` → name, version, release (the file name of the package's source RPM, as its header records it). */
export function parseSourceRpm(file: string): { name: string; version: string; release: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(file);
  if (!m) return undefined;
  return { name: m[1] as string, version: m[2] as string, release: m[3] as string };
}
