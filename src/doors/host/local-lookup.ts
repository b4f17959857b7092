/**
 * Path lookups and small reads for enforce's decision path and the audit's host facts,
 * without the thread pool where that is safe.
 *
 * A promise `lstat` costs 80–140 µs of CPU per path here (the thread-pool hop, and an Error
 * built for each ENOENT) against 4–7 µs for `lstatSync` that does not throw; a bind source is a
 * few components, and two readings of each. But a synchronous lookup on a file system that
 * waits on a network (NFS, CIFS, FUSE, autofs) can block the whole plugin past its decision
 * deadline, where an asynchronous one blocks only that decision, which the deadline then
 * denies. So a path is looked up synchronously only when the mount it lies on is a local file
 * system, by this process's mount table, read once and refreshed in the background.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type BigIntStats, type Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { parseMountinfo } from './mounts.ts';

/** File systems answered from memory or a local disk. Anything else (nfs, cifs, fuse.*, 9p, autofs...) goes through the thread pool. */
const LOCAL_FS = new Set([
  'ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'f2fs', 'vfat', 'exfat', 'zfs', 'squashfs', 'iso9660', 'overlay', 'tmpfs', 'ramfs', 'devtmpfs', 'devpts',
  'proc', 'sysfs', 'cgroup', 'cgroup2', 'mqueue', 'hugetlbfs', 'securityfs', 'debugfs', 'tracefs', 'bpf', 'pstore', 'configfs', 'nsfs', 'binfmt_misc', 'efivarfs',
]);
/** Past this age the table is read again in the background; a mount made since is judged by the mount it lies under until then. */
const REFRESH_MS = 5000;

/** Each mount point and whether it is a local file system: of two mounts at one point, the one on top (the later line). */
export type MountTable = ReadonlyMap<string, boolean>;
let cached: { at: number; mounts: MountTable; refreshing: boolean } | undefined;

export function mountPointsOf(text: string): MountTable {
  const out = new Map<string, boolean>();
  for (const m of parseMountinfo(text)) out.set(m.mountPoint, LOCAL_FS.has(m.fsType));
  return out;
}

function currentMounts(now = Date.now()): MountTable {
  if (!cached) {
    let text = '';
    try {
      text = readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      // No /proc: nothing is known to be local, so every lookup takes the thread pool.
    }
    cached = { at: now, mounts: mountPointsOf(text), refreshing: false };
  } else if (now - cached.at > REFRESH_MS && !cached.refreshing) {
    const t = cached;
    t.refreshing = true;
    readFile('/proc/self/mountinfo', 'utf8').then(
      (text) => (cached = { at: Date.now(), mounts: mountPointsOf(text), refreshing: false }),
      () => (t.refreshing = false),
    );
  }
  return cached.mounts;
}

const PROC_ROOT = /^\/proc\/[^/]+\/root(\/|$)/;

/**
 * Whether a lookup of `path` (absolute, no links in it) stays on a local file system: the mount
 * at its longest ancestor decides. Found by walking up the path's few components rather than
 * down the table, which holds a few mounts per running container (hundreds on a busy host).
 */
export function onLocalFs(path: string, table: MountTable = currentMounts()): boolean {
  // /proc/PID/root leads into another mount namespace, whose mounts this table does not show.
  if (path.startsWith('/proc/') && PROC_ROOT.test(path)) return false;
  for (let p = path; ; ) {
    const local = table.get(p);
    if (local !== undefined) return local;
    const cut = p.lastIndexOf('/');
    if (cut <= 0) return table.get('/') ?? false;
    p = p.slice(0, cut);
  }
}

const missing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** A lookup: synchronous on a local file system, else through the thread pool; undefined when nothing is there, other errors thrown. */
async function lookupHere<T>(path: string, sync: (p: string) => T | undefined, pooled: (p: string) => Promise<T>): Promise<T | undefined> {
  if (onLocalFs(path)) return sync(path);
  try {
    return await pooled(path);
  } catch (e) {
    if (missing(e)) return undefined;
    throw e;
  }
}

/** `lstat`, or undefined when nothing is there; other errors are thrown. */
export function lstatHere(path: string): Promise<Stats | undefined> {
  return lookupHere(path, (p) => lstatSync(p, { throwIfNoEntry: false }), (p) => lstat(p));
}

/** `stat` with bigint ids (device and inode compared), or undefined when nothing is there; other errors are thrown. */
export function statHere(path: string): Promise<BigIntStats | undefined> {
  return lookupHere(path, (p) => statSync(p, { bigint: true, throwIfNoEntry: false }), (p) => stat(p, { bigint: true }));
}

/** `stat` (links followed), or undefined when nothing is there; other errors are thrown. */
export function statFileHere(path: string): Promise<Stats | undefined> {
  return lookupHere(path, (p) => statSync(p, { throwIfNoEntry: false }), (p) => stat(p));
}

export async function readlinkHere(path: string): Promise<string> {
  return onLocalFs(path) ? readlinkSync(path) : readlink(path);
}

/**
 * A small text file whole (a config file, a /proc entry). The promise readFile is four
 * thread-pool hops (open, fstat, read, close): an audit reads a few hundred such files,
 * most of them from /proc.
 */
export async function readTextHere(path: string): Promise<string> {
  return onLocalFs(path) ? readFileSync(path, 'utf8') : readFile(path, 'utf8');
}

export async function readdirHere(path: string): Promise<string[]> {
  return onLocalFs(path) ? readdirSync(path) : readdir(path);
}
