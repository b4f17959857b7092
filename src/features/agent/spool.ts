import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRunning } from '../../util/process-alive.ts';
import { MoatError } from '../../util/errors.ts';

/** What the agent sends: a host report or a batch of watch alerts. */
export type DocumentKind = 'report' | 'alerts';

export interface SpoolEntry {
  /** File name: the sequence orders the entries (oldest first) across restarts. */
  name: string;
  kind: DocumentKind;
  id: string;
  bytes: number;
}

/** Documents dropped to keep the buffer bounded, not yet told to the server. */
export interface DropCount {
  reports: number;
  alertBatches: number;
  bytes: number;
  /** When the first of them was dropped (ISO time). */
  since?: string;
}

export interface SpoolOptions {
  dir: string;
  /** Documents kept at most (default 1000). */
  maxCount?: number;
  /** Bytes kept at most, as stored (gzip) (default 256 MiB). */
  maxBytes?: number;
  /** Told of each drop, so the person running the agent hears it when it happens. */
  onDrop?: (entry: SpoolEntry, total: DropCount) => void;
}

export const DEFAULT_SPOOL_COUNT = 1000;
export const DEFAULT_SPOOL_BYTES = 256 * 1024 * 1024;

const ENTRY = /^(\d{16})-(report|alerts)-([0-9a-f][0-9a-f-]{7,80})\.json\.gz$/;
const DROPPED = 'dropped.json';
const LOCK = 'agent.lock';

/**
 * The agent's on-disk buffer: every document is written here before it is sent, and removed
 * once the server took it, so a server outage or an agent restart loses nothing. Each file
 * is written under a temporary name, synced, then renamed: a crash leaves either the whole
 * document or none. Bounded in count and bytes: the oldest documents go first, and each
 * drop is counted (in `dropped.json`, which survives restarts) until a report carries it.
 */
export class Spool {
  readonly dir: string;
  private readonly maxCount: number;
  private readonly maxBytes: number;
  private readonly onDrop: SpoolOptions['onDrop'];
  private entries: SpoolEntry[] = [];
  private seq = 0;
  private drops: DropCount = { reports: 0, alertBatches: 0, bytes: 0 };
  private locked = false;

  private constructor(opts: SpoolOptions) {
    this.dir = opts.dir;
    this.maxCount = opts.maxCount ?? DEFAULT_SPOOL_COUNT;
    this.maxBytes = opts.maxBytes ?? DEFAULT_SPOOL_BYTES;
    this.onDrop = opts.onDrop;
  }

  /** Creates the directory (0700: documents name hosts and their weaknesses), takes its lock and reads what a previous run left. */
  static async open(opts: SpoolOptions): Promise<Spool> {
    const s = new Spool(opts);
    try {
      await mkdir(s.dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new MoatError('config', `cannot create the agent's buffer directory ${s.dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (give a writable one with --buffer DIR)`);
    }
    await s.lock();
    try {
      await s.load();
    } catch (e) {
      await s.close();
      throw e;
    }
    return s;
  }

  /** One agent per buffer: two would send, and delete, each other's documents. */
  private async lock(): Promise<void> {
    const path = join(this.dir, LOCK);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        this.locked = true;
        return;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') throw new MoatError('config', `cannot lock the agent's buffer ${this.dir}: ${code ?? (e as Error).message} (give a writable directory with --buffer DIR)`);
      }
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
        throw new MoatError('config', `another moat agent (pid ${pid}) uses the buffer ${this.dir}: stop it, or give this one its own --buffer DIR`);
      }
      // Left by an agent that is gone: take it over.
      await rm(path, { force: true });
    }
    throw new MoatError('config', `cannot lock the agent's buffer ${this.dir}: another agent keeps taking it (give this one its own --buffer DIR)`);
  }

  private async load(): Promise<void> {
    const names = await readdir(this.dir);
    for (const n of names) {
      // A document half-written when the last run died: never renamed, so never complete.
      if (n.startsWith('.tmp-')) await rm(join(this.dir, n), { force: true });
    }
    const found: SpoolEntry[] = [];
    for (const n of names.sort()) {
      const m = ENTRY.exec(n);
      if (!m) continue;
      const st = await stat(join(this.dir, n)).catch(() => undefined);
      if (!st?.isFile()) continue;
      found.push({ name: n, kind: m[2] as DocumentKind, id: m[3] as string, bytes: st.size });
      this.seq = Math.max(this.seq, Number(m[1]));
    }
    this.entries = found;
    const raw = await readFile(join(this.dir, DROPPED), 'utf8').catch(() => undefined);
    if (raw !== undefined) {
      try {
        const d = JSON.parse(raw) as Partial<DropCount>;
        this.drops = { reports: count(d.reports), alertBatches: count(d.alertBatches), bytes: count(d.bytes), ...(typeof d.since === 'string' ? { since: d.since } : {}) };
      } catch {
        // A counter we cannot read is not worth refusing to start over; the drops it held are said now.
        this.drops = { reports: 0, alertBatches: 0, bytes: 0 };
      }
    }
  }

  /** Documents waiting, oldest first. */
  list(): readonly SpoolEntry[] {
    return [...this.entries];
  }

  get size(): { count: number; bytes: number } {
    return { count: this.entries.length, bytes: this.entries.reduce((n, e) => n + e.bytes, 0) };
  }

  /** Writes the document (already gzip-compressed) durably, then drops the oldest while over the bounds; the new one always stays. */
  async add(kind: DocumentKind, id: string, gzipped: Buffer): Promise<SpoolEntry> {
    if (!/^[0-9a-f][0-9a-f-]{7,80}$/.test(id)) throw new TypeError(`spool: document id "${id}" is not hex or a uuid`);
    // Time-based so entries sort across restarts; never below a sequence already used, whatever the clock does.
    this.seq = Math.max(this.seq + 1, Date.now() * 1000);
    const entry: SpoolEntry = { name: `${String(this.seq).padStart(16, '0')}-${kind}-${id}.json.gz`, kind, id, bytes: gzipped.length };
    const tmp = join(this.dir, `.tmp-${entry.name}`);
    writeDurably(tmp, gzipped);
    await rename(tmp, join(this.dir, entry.name));
    this.entries.push(entry);
    await this.enforceBounds();
    return entry;
  }

  async read(entry: SpoolEntry): Promise<Buffer> {
    return readFile(join(this.dir, entry.name));
  }

  /** The server took it (or refused it for good): it leaves the buffer. */
  async remove(entry: SpoolEntry): Promise<void> {
    await rm(join(this.dir, entry.name), { force: true });
    this.entries = this.entries.filter((e) => e.name !== entry.name);
  }

  /** Drops not yet reported. */
  dropped(): DropCount {
    return { ...this.drops };
  }

  /**
   * The report that carries `reported` is in the buffer: from then on it holds that count
   * (and if it is dropped in turn, that drop is counted anew). Only what it carries is
   * forgotten: a drop its own addition caused is still to be told.
   */
  async forgetDropped(reported: DropCount): Promise<void> {
    const reports = Math.max(0, this.drops.reports - reported.reports);
    const alertBatches = Math.max(0, this.drops.alertBatches - reported.alertBatches);
    const bytes = Math.max(0, this.drops.bytes - reported.bytes);
    const left = reports + alertBatches > 0;
    this.drops = { reports, alertBatches, bytes: left ? bytes : 0, ...(left && this.drops.since ? { since: this.drops.since } : {}) };
    await this.saveDrops();
  }

  private async enforceBounds(): Promise<void> {
    let { count: n, bytes } = this.size;
    while (this.entries.length > 1 && (n > this.maxCount || bytes > this.maxBytes)) {
      const oldest = this.entries[0] as SpoolEntry;
      await this.remove(oldest);
      n--;
      bytes -= oldest.bytes;
      if (oldest.kind === 'report') this.drops.reports++;
      else this.drops.alertBatches++;
      this.drops.bytes += oldest.bytes;
      this.drops.since ??= new Date().toISOString();
      await this.saveDrops();
      this.onDrop?.(oldest, this.dropped());
    }
  }

  private async saveDrops(): Promise<void> {
    const tmp = join(this.dir, `.tmp-${DROPPED}`);
    writeDurably(tmp, Buffer.from(JSON.stringify(this.drops) + '\n'));
    await rename(tmp, join(this.dir, DROPPED));
  }

  async close(): Promise<void> {
    if (!this.locked) return;
    this.locked = false;
    await rm(join(this.dir, LOCK), { force: true });
  }
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}

/** Written and synced before the rename that makes it visible: after a power cut the name never points at a short file. */
function writeDurably(path: string, data: Buffer): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
