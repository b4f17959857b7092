import type { StreamConsumer } from '../analyzer.ts';

/**
 * Finds the build information the Go linker leaves in every module-aware binary, in one
 * pass over the bytes (no random access: the image is read as a stream).
 *
 * The blob (cmd/link, read by debug/buildinfo) starts with a 16-byte-aligned 32-byte
 * header: `\xff Go buildinf:`, the pointer size, a flags byte. With flag 2 (Go 1.18+) the
 * toolchain version and the module information follow inline, each as a uvarint length
 * and bytes. Before Go 1.18 the header holds two pointers to Go string headers
 * ({data, len}) in the data segment, whose bytes are in rodata, usually earlier in the
 * file. Those are resolved through the ELF program headers (at the file's start): the
 * string headers lie after the blob and are captured when the stream reaches them; the
 * bytes before it are found among candidates remembered on the way (the module text by
 * the 16-byte sentinels cmd/go wraps it in, the version by its `go1.` prefix).
 *
 * Only ELF is read (images are Linux), and the header counts only inside a writable
 * PT_LOAD segment, where the linker puts it: a `\xff Go buildinf:` literal in another
 * program's rodata (the go command's own) is not build info.
 */

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER = 32;
const MODINFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const MODINFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const GO_PREFIX = Buffer.from('go1.');
/** Program headers beyond this offset are not looked for (linkers put them right after the ELF header). */
const PREFIX = 64 * 1024;
/** Module information of the largest binaries is a few hundred KiB. */
export const MAX_MODINFO = 4 * 1024 * 1024;
const MAX_VERSION = 256;
const MAX_CANDIDATES = 256;

export type BuildInfoResult = { ok: true; goVersion: string; modinfo: string; format: 'inline' | 'pointer' } | { ok: false; message: string };

interface Segment {
  offset: number;
  vaddr: number;
  filesz: number;
  writable: boolean;
}

/** Bytes of the file from `start`, kept as they stream past, up to `limit` (which may grow) or until a terminator. */
class Capture {
  readonly start: number;
  limit: number;
  private readonly until: Buffer | undefined;
  private parts: Buffer[] = [];
  filled = 0;
  done = false;
  constructor(start: number, limit: number, until?: Buffer) {
    this.start = start;
    this.limit = limit;
    this.until = until;
  }
  feed(chunk: Buffer, at: number): void {
    if (this.done) return;
    const from = this.start + this.filled;
    const to = Math.min(this.start + this.limit, at + chunk.length);
    if (from < at || from >= to) return;
    const part = Buffer.from(chunk.subarray(from - at, to - at));
    if (this.until) {
      const seam = Buffer.concat([this.parts.at(-1)?.subarray(-(this.until.length - 1)) ?? Buffer.alloc(0), part]);
      const i = seam.indexOf(this.until);
      if (i >= 0) {
        const keep = i + this.until.length - (seam.length - part.length);
        this.parts.push(part.subarray(0, keep));
        this.filled += keep;
        this.limit = this.filled;
        this.done = true;
        return;
      }
    }
    this.parts.push(part);
    this.filled += part.length;
    if (this.filled >= this.limit) this.done = true;
  }
  grow(limit: number): void {
    if (limit > this.limit) {
      this.limit = limit;
      this.done = this.filled >= limit;
    }
  }
  bytes(): Buffer {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts)];
    return this.parts[0] ?? Buffer.alloc(0);
  }
}

class Captures {
  private readonly list: Capture[] = [];
  add(start: number, limit: number, until?: Buffer): Capture {
    const c = new Capture(start, limit, until);
    this.list.push(c);
    return c;
  }
  feed(chunk: Buffer, at: number): void {
    for (const c of this.list) c.feed(chunk, at);
  }
}

export function buildInfoScanner(): StreamConsumer<BuildInfoResult> {
  let offset = 0;
  const prefix: Buffer[] = [];
  let prefixLen = 0;
  let elf: Segment[] | undefined;
  let notElf = false;
  let tail = Buffer.alloc(0);
  const captures = new Captures();
  let header: Capture | undefined;
  let inline: Capture | undefined;
  const versions: Capture[] = [];
  const modinfos: Capture[] = [];
  let pointer: Pointer | undefined;

  const toOffset = (vaddr: number): number | undefined => {
    for (const s of elf ?? []) if (vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz) return s.offset + (vaddr - s.vaddr);
    return undefined;
  };
  const inWritable = (off: number): boolean => (elf ?? []).some((s) => s.writable && off >= s.offset && off + HEADER <= s.offset + s.filesz);

  const search = (window: Buffer, windowStart: number, minStart: number): void => {
    // The blob header: 16-byte aligned, in a writable segment; the first one counts.
    let headerAt: number | undefined;
    for (let i = window.indexOf(MAGIC); i >= 0 && headerAt === undefined; i = window.indexOf(MAGIC, i + 1)) {
      const at = windowStart + i;
      if (at >= minStart && at % 16 === 0 && inWritable(at)) headerAt = at;
    }
    // Candidates for the pointer format, which only later says where its strings are: all before the header.
    const before = (i: number): boolean => windowStart + i >= minStart && (headerAt === undefined || windowStart + i < headerAt);
    for (let i = window.indexOf(GO_PREFIX); i >= 0 && versions.length < MAX_CANDIDATES; i = window.indexOf(GO_PREFIX, i + 1)) {
      if (before(i)) versions.push(captures.add(windowStart + i, MAX_VERSION));
    }
    for (let i = window.indexOf(MODINFO_START); i >= 0 && modinfos.length < 4; i = window.indexOf(MODINFO_START, i + 1)) {
      if (before(i)) modinfos.push(captures.add(windowStart + i, MAX_MODINFO, MODINFO_END));
    }
    if (headerAt !== undefined) {
      header = captures.add(headerAt, HEADER);
      inline = captures.add(headerAt + HEADER, 10);
    }
  };

  /** Once its lengths are known, the inline capture grows to hold both strings (re-fed from the same chunk). */
  const growInline = (): boolean => {
    if (!inline || !header?.done || !((header.bytes()[15] as number) & 2)) return false;
    const b = inline.bytes();
    const v = uvarint(b, 0, inline.filled);
    if (!v) return false;
    if (v.value > MAX_VERSION) return false;
    const m = uvarint(b, v.next + v.value, inline.filled);
    const need = m ? (m.value > MAX_MODINFO ? 0 : m.next + m.value) : v.next + v.value + 10;
    const before = inline.limit;
    inline.grow(need);
    return inline.limit !== before;
  };

  const feed = (chunk: Buffer, at: number): void => {
    captures.feed(chunk, at);
    while (growInline()) captures.feed(chunk, at);
    if (header?.done && !pointer && !((header.bytes()[15] as number) & 2)) {
      // Targets inside the bytes in hand can still be captured from them.
      pointer = pointerTargets(header.bytes(), toOffset, at, captures);
      captures.feed(chunk, at);
    }
  };

  const scan = (chunk: Buffer, at: number): void => {
    feed(chunk, at);
    if (header) return;
    const window = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    search(window, at - tail.length, at - tail.length);
    tail = Buffer.from(window.subarray(Math.max(0, window.length - 31)));
    // What the search just asked for may start inside this window (the previous chunk's tail included).
    feed(window, at - (window.length - chunk.length));
  };

  const start = (): void => {
    const head = Buffer.concat(prefix);
    prefix.length = 0;
    elf = programHeaders(head);
    if (!elf) {
      notElf = true;
      return;
    }
    scan(head, 0);
  };

  return {
    write(chunk) {
      if (notElf) return;
      const at = offset;
      offset += chunk.length;
      if (elf) return scan(chunk, at);
      // The program headers come first: search only once the writable segments are known.
      const room = PREFIX - prefixLen;
      prefix.push(chunk.subarray(0, room));
      prefixLen += Math.min(room, chunk.length);
      if (prefixLen >= 4 && Buffer.concat(prefix).readUInt32BE(0) !== 0x7f454c46) {
        notElf = true;
        return;
      }
      if (prefixLen < PREFIX) return;
      start();
      if (!notElf && chunk.length > room) scan(chunk.subarray(room), at + room);
    },
    end() {
      if (notElf) return undefined;
      if (!elf) start();
      if (notElf || !header) return undefined;
      if (!header.done) return { ok: false, message: 'its Go build info is cut short: the file is truncated' };
      if ((header.bytes()[15] as number) & 2) return readInline(inline as Capture);
      return readPointer(pointer, versions, modinfos, toOffset);
    },
    abort() {
      notElf = true;
    },
  };
}

interface Pointer {
  ptrSize: number;
  le: boolean;
  strings: Array<{ capture?: Capture; error?: string }>;
}

function programHeaders(head: Buffer): Segment[] | undefined {
  if (head.length < 52 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = head[4] === 2;
  const le = head[5] === 1;
  const u16 = (o: number): number => (le ? head.readUInt16LE(o) : head.readUInt16BE(o));
  const u32 = (o: number): number => (le ? head.readUInt32LE(o) : head.readUInt32BE(o));
  const u64 = (o: number): number => Number(le ? head.readBigUInt64LE(o) : head.readBigUInt64BE(o));
  if (is64 && head.length < 64) return undefined;
  const phoff = is64 ? u64(32) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  const segments: Segment[] = [];
  if (phentsize < (is64 ? 56 : 32) || phoff + phnum * phentsize > head.length) return segments;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (u32(p) !== 1) continue; // PT_LOAD
    segments.push(
      is64
        ? { offset: u64(p + 8), vaddr: u64(p + 16), filesz: u64(p + 32), writable: (u32(p + 4) & 2) !== 0 }
        : { offset: u32(p + 4), vaddr: u32(p + 8), filesz: u32(p + 16), writable: (u32(p + 24) & 2) !== 0 },
    );
  }
  return segments;
}

/** Pointer format: the two string headers the blob points to, to be captured as the stream reaches them. */
function pointerTargets(h: Buffer, toOffset: (vaddr: number) => number | undefined, earliest: number, captures: Captures): Pointer {
  const ptrSize = h[14] as number;
  const le = ((h[15] as number) & 1) === 0;
  if (ptrSize !== 4 && ptrSize !== 8) return { ptrSize, le, strings: [{ error: `its build info header gives pointer size ${ptrSize}` }] };
  const readPtr = (o: number): number => (ptrSize === 8 ? Number(le ? h.readBigUInt64LE(o) : h.readBigUInt64BE(o)) : le ? h.readUInt32LE(o) : h.readUInt32BE(o));
  return {
    ptrSize,
    le,
    strings: [readPtr(16), readPtr(16 + ptrSize)].map((addr) => {
      const off = toOffset(addr);
      if (off === undefined) return { error: `its build info points to address 0x${addr.toString(16)}, outside the file's segments` };
      if (off < earliest) return { error: 'its build info points back to data already passed (a layout Moat cannot read in one pass)' };
      return { capture: captures.add(off, 2 * ptrSize) };
    }),
  };
}

function uvarint(b: Buffer, at: number, limit: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 10 && at + i < limit; i++) {
    const byte = b[at + i] as number;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return { value, next: at + i + 1 };
  }
  return undefined;
}

const CUT = { ok: false, message: 'its Go build info is cut short: the file is truncated' } as const;

/** Go 1.18+: two uvarint-prefixed strings right after the header. */
function readInline(c: Capture): BuildInfoResult {
  const b = c.bytes();
  const v = uvarint(b, 0, c.filled);
  if (!v) return CUT;
  if (v.value > MAX_VERSION) return { ok: false, message: `its Go build info claims a ${v.value}-byte toolchain version` };
  const m = uvarint(b, v.next + v.value, c.filled);
  if (!m) return CUT;
  if (m.value > MAX_MODINFO) return { ok: false, message: `its Go build info claims ${m.value} bytes of module information (Moat reads at most ${MAX_MODINFO})` };
  if (m.next + m.value > c.filled) return CUT;
  return { ok: true, goVersion: b.toString('utf8', v.next, v.next + v.value), modinfo: stripSentinels(b.subarray(m.next, m.next + m.value)).toString('utf8'), format: 'inline' };
}

function readPointer(pointer: Pointer | undefined, versions: Capture[], modinfos: Capture[], toOffset: (vaddr: number) => number | undefined): BuildInfoResult {
  if (!pointer) return CUT;
  const texts: Buffer[] = [];
  for (const [i, s] of pointer.strings.entries()) {
    const what = i === 0 ? 'toolchain version' : 'module information';
    if (s.error || !s.capture) return { ok: false, message: `Go before 1.18 (pointer-format build info): ${s.error ?? 'unreadable'}` };
    if (!s.capture.done) return CUT;
    const b = s.capture.bytes();
    const ps = pointer.ptrSize;
    const read = (o: number): number => (ps === 8 ? Number(pointer.le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : pointer.le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const [data, len] = [read(0), read(ps)];
    if (len === 0) {
      texts.push(Buffer.alloc(0));
      continue;
    }
    const off = toOffset(data);
    const found = off === undefined ? undefined : (i === 0 ? versions : modinfos).find((p) => p.start === off);
    if (!found) return { ok: false, message: `Go before 1.18 (pointer-format build info): its ${what} is at a place Moat did not keep in its one pass` };
    if (found.filled < len) return { ok: false, message: `Go before 1.18 (pointer-format build info): its ${what} is longer than Moat reads, or cut short` };
    texts.push(found.bytes().subarray(0, len));
  }
  return { ok: true, goVersion: (texts[0] as Buffer).toString('utf8'), modinfo: stripSentinels(texts[1] as Buffer).toString('utf8'), format: 'pointer' };
}

/** cmd/go wraps the module text in 16-byte sentinels; debug/buildinfo strips them the same way. */
export function stripSentinels(mod: Buffer): Buffer {
  return mod.length >= 33 && mod[mod.length - 17] === 0x0a ? mod.subarray(16, mod.length - 16) : mod;
}
