/**
 * What the host paths a container names are, on the daemon's own host: devices by their
 * node (block or character, major:minor) rather than their name, and bind sources by the
 * daemon sockets they reach (the socket itself, under any name or hard link, or a directory
 * above it, read-only or not: read-only does not stop connect()). Read with lstat/stat after
 * resolving the path as the kernel does (resolve-path.ts); nothing is written.
 *
 * The listening sockets come from /proc/net/unix (the paths daemons bound) and /proc/PID/fd
 * (which process holds each one), read once and kept (hostSockets): decisions reuse them.
 */
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { ContainerSpec, DeviceNode, HostSocket, MountSpec } from '../../models/container-spec.ts';
import { localVolumeMount } from '../../models/local-volume.ts';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { onLocalFs, statHere } from './local-lookup.ts';
import { hostPathReadings, resolveHostPath } from './resolve-path.ts';
import { within } from '../../util/path-within.ts';

/** dockerd walks a directory given as `--device` and adds every node in it; past this many entries Moat stops and judges the directory as unbounded. */
const MAX_WALK = 4096;
const SOCKET_TTL_MS = 5000;

interface KnownSocket extends HostSocket {
  dev: bigint;
  ino: bigint;
}

function majorOf(rdev: bigint): number {
  return Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
}

function minorOf(rdev: bigint): number {
  return Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
}

function nodeOf(path: string, st: import('node:fs').BigIntStats): DeviceNode {
  if (st.isBlockDevice()) return { kind: 'block', path, major: majorOf(st.rdev), minor: minorOf(st.rdev) };
  if (st.isCharacterDevice()) return { kind: 'char', path, major: majorOf(st.rdev), minor: minorOf(st.rdev) };
  if (st.isFIFO()) return { kind: 'fifo', path };
  if (st.isDirectory()) return { kind: 'directory', path };
  return { kind: 'other', path };
}

/**
 * The device nodes dockerd would add for `--device PATH`: the node the path leads to, or
 * every node under it when it is a directory (oci.DevicesFromPath). `missing` when nothing
 * is there (dockerd then fails at start).
 */
export async function deviceNodesOf(path: string, root = '/'): Promise<DeviceNode[]> {
  const out: DeviceNode[] = [];
  for (const resolved of await hostPathReadings(path, root)) {
    let st: import('node:fs').BigIntStats;
    try {
      st = await stat(posix.join(root, resolved), { bigint: true });
    } catch {
      out.push({ kind: 'missing', path: resolved });
      continue;
    }
    const node = nodeOf(resolved, st);
    if (node.kind !== 'directory') {
      out.push(node);
      continue;
    }
    const found = await walkDevices(resolved, root);
    out.push(...(found.length ? found : [node]));
  }
  return out;
}

async function walkDevices(dir: string, root: string): Promise<DeviceNode[]> {
  const out: DeviceNode[] = [];
  const pending = [dir];
  let seen = 0;
  while (pending.length) {
    const d = pending.pop() as string;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(posix.join(root, d), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > MAX_WALK) {
        // Too many to read within a decision: judged as if it held a block device (fail closed).
        out.push({ kind: 'block', path: `${dir} (more than ${MAX_WALK} entries, not read to the end)` });
        return out;
      }
      const p = posix.join(d, e.name);
      // filepath.Walk does not follow links: neither does dockerd's walk.
      if (e.isDirectory()) pending.push(p);
      else if (e.isBlockDevice() || e.isCharacterDevice()) {
        try {
          out.push(nodeOf(p, await lstat(posix.join(root, p), { bigint: true })));
        } catch {
          // Gone since the listing: dockerd would not add it either.
        }
      }
    }
  }
  return out;
}

const ENGINE_NAMES = /(^|\/)(docker|podman|crio|dockershim)\.sock$/;
const CONTAINERD_NAMES = /(^|\/)containerd\.sock(\.ttrpc)?$/;
const ENGINE_PROCESSES = new Set(['dockerd', 'podman', 'crio', 'conmon']);
const CONTAINERD_PROCESSES = new Set(['containerd']);

let cache: { at: number; root: string; sockets: Promise<KnownSocket[]>; refreshing?: boolean } | undefined;
/** Past this age the cached list is not served at all: the decision waits for a fresh read. */
const SOCKET_MAX_AGE_MS = 60_000;

/**
 * The host's listening unix sockets that matter: engines', containerd's and root daemons'. A read
 * costs 30-150 ms on a small host (the /proc/PID/fd scan), so it is kept: fresh for 5 s, then
 * served while a new read runs in the background, and never older than a minute.
 */
export function hostSockets(root = '/', now = Date.now()): Promise<KnownSocket[]> {
  if (cache && cache.root === root) {
    const age = now - cache.at;
    if (age < SOCKET_TTL_MS) return cache.sockets;
    if (age < SOCKET_MAX_AGE_MS) {
      if (!cache.refreshing) {
        const c = cache;
        c.refreshing = true;
        const fresh = readHostSockets(root);
        fresh.then(
          () => {
            if (cache === c) cache = { at: Date.now(), root, sockets: fresh };
          },
          () => (c.refreshing = false),
        );
      }
      return cache.sockets;
    }
  }
  const sockets = readHostSockets(root);
  const entry = { at: now, root, sockets };
  cache = entry;
  // A failed read is not kept: the next decision tries again.
  sockets.catch(() => {
    if (cache === entry) cache = undefined;
  });
  return sockets;
}

/** One listening unix socket from a /proc/net/unix table: the path it was bound to and its socket inode. */
function listeningSockets(table: string): Map<string, string> {
  const byInode = new Map<string, string>();
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // Num RefCount Protocol Flags Type St Inode Path; flag 0x10000 = listening; '@' = abstract (no file).
    if (cols.length < 8 || (parseInt(cols[3] ?? '0', 16) & 0x10000) === 0) continue;
    const path = cols.slice(7).join(' ');
    if (path.startsWith('/')) byInode.set(cols[6] ?? '', path);
  }
  return byInode;
}

interface ProcessInfo {
  pid: string;
  comm: string;
  sockets: Set<string>;
  netns: string;
}

/**
 * Every listening socket of this network namespace, and of the namespaces engines and
 * containerd run in (a daemon in a namespace of its own lists its sockets only there). A
 * socket held by an engine or containerd names that process, and its file is read through
 * that process's root, so a daemon in a mount namespace of its own is seen as it binds.
 */
async function readHostSockets(root: string): Promise<KnownSocket[]> {
  const processes = await readProcesses(root);
  const tables = new Map<string, string>();
  // Without /proc (a host root read from elsewhere), only the default socket paths the rules know are judged.
  tables.set('self', await readFile(posix.join(root, 'proc/net/unix'), 'utf8').catch(() => ''));
  const ownNetns = await readlink(posix.join(root, 'proc/self/ns/net')).catch(() => '');
  for (const p of processes) {
    if (!(ENGINE_PROCESSES.has(p.comm) || CONTAINERD_PROCESSES.has(p.comm)) || p.netns === ownNetns || tables.has(p.netns)) continue;
    tables.set(p.netns, await readFile(posix.join(root, 'proc', p.pid, 'net/unix'), 'utf8').catch(() => ''));
  }
  const holder = new Map<string, ProcessInfo>();
  for (const p of processes) for (const i of p.sockets) if (!holder.has(i)) holder.set(i, p);
  const out: KnownSocket[] = [];
  const seen = new Set<string>();
  for (const table of tables.values()) {
    for (const [inode, bound] of listeningSockets(table)) {
      const by = holder.get(inode);
      // Read through the holder's root: its mount namespace is where the path was bound.
      const base = by && by.netns !== ownNetns ? posix.join(root, 'proc', by.pid, 'root') : root;
      let path: string;
      let st: import('node:fs').BigIntStats;
      try {
        path = await resolveHostPath(bound, base);
        st = await lstat(posix.join(base, path), { bigint: true });
      } catch {
        continue;
      }
      if (!st.isSocket() || seen.has(`${st.dev}:${st.ino}`)) continue;
      seen.add(`${st.dev}:${st.ino}`);
      const process = by?.comm;
      const owner: HostSocket['owner'] | undefined =
        ENGINE_NAMES.test(path) || (process !== undefined && ENGINE_PROCESSES.has(process)) ? 'engine'
        : CONTAINERD_NAMES.test(path) || (process !== undefined && CONTAINERD_PROCESSES.has(process)) ? 'containerd'
        : st.uid === 0n ? 'root-daemon' : undefined;
      if (owner) out.push({ path, owner, ...(process ? { process } : {}), dev: st.dev, ino: st.ino });
    }
  }
  return out;
}

/**
 * Each engine and containerd process: its name, network namespace and the socket inodes it
 * holds (/proc/PID/fd links read `socket:[INODE]`). Only their descriptors are read: reading
 * every process's took 50 ms on a quiet test VM and grows with the host (a busy host holds
 * hundreds of thousands of descriptors), while the only holders the rules tell apart are these;
 * any other root-owned socket is judged by its owner (`root-daemon`).
 */
async function readProcesses(root: string): Promise<ProcessInfo[]> {
  const proc = posix.join(root, 'proc');
  if (!onLocalFs(proc)) return readProcessesThroughPool(root);
  // procfs answers from memory: synchronous reads cost ~5 µs where a promise read costs 50-100 µs of the
  // event loop's time, and dockerd and containerd hold hundreds of descriptors. The enforce plugin answers
  // requests on this loop while the table is refreshed (every 5 s), so the scan yields every few dozen reads
  // rather than taking the loop for milliseconds at a time.
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const out: ProcessInfo[] = [];
  let reads = 0;
  const breathe = async (): Promise<void> => {
    if (++reads % 64 === 0) await new Promise((r) => setImmediate(r));
  };
  for (const pid of pids) {
    await breathe();
    const dir = posix.join(proc, pid);
    let comm = '';
    try {
      comm = readFileSync(posix.join(dir, 'comm'), 'utf8').trim();
    } catch {
      continue;
    }
    if (!ENGINE_PROCESSES.has(comm) && !CONTAINERD_PROCESSES.has(comm)) continue;
    let fds: string[] = [];
    try {
      fds = readdirSync(posix.join(dir, 'fd'));
    } catch {
      fds = [];
    }
    const sockets = new Set<string>();
    for (const fd of fds) {
      await breathe();
      let link = '';
      try {
        link = readlinkSync(posix.join(dir, 'fd', fd));
      } catch {
        link = '';
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode) sockets.add(inode);
    }
    if (!sockets.size) continue;
    let netns = '';
    try {
      netns = readlinkSync(posix.join(dir, 'ns/net'));
    } catch {
      netns = '';
    }
    out.push({ pid, comm, sockets, netns });
  }
  return out;
}

/** The same scan through the thread pool, for a host root whose /proc is not known to be local. */
async function readProcessesThroughPool(root: string): Promise<ProcessInfo[]> {
  let pids: string[];
  try {
    pids = (await readdir(posix.join(root, 'proc'))).filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const found = await Promise.all(
    pids.map(async (pid): Promise<ProcessInfo | undefined> => {
      const dir = posix.join(root, 'proc', pid);
      const comm = (await readFile(posix.join(dir, 'comm'), 'utf8').catch(() => '')).trim();
      if (!ENGINE_PROCESSES.has(comm) && !CONTAINERD_PROCESSES.has(comm)) return undefined;
      const fds = await readdir(posix.join(dir, 'fd')).catch(() => [] as string[]);
      const sockets = new Set<string>();
      for (const fd of fds) {
        const inode = /^socket:\[(\d+)\]$/.exec(await readlink(posix.join(dir, 'fd', fd)).catch(() => ''))?.[1];
        if (inode) sockets.add(inode);
      }
      if (!sockets.size) return undefined;
      const netns = await readlink(posix.join(dir, 'ns/net')).catch(() => '');
      return { pid, comm, sockets, netns };
    }),
  );
  return found.filter((p): p is ProcessInfo => p !== undefined);
}


/** The known sockets a bind of `source` reaches: the source is one (any name, any link), or a directory above one. */
export async function socketsReached(source: string, root = '/'): Promise<HostSocket[]> {
  if (!source.startsWith('/')) return [];
  const sockets = await hostSockets(root);
  const out = new Map<string, HostSocket>();
  for (const reading of await hostPathReadings(source, root)) {
    for (const s of sockets) if (within(s.path, reading)) out.set(s.path, { path: s.path, owner: s.owner, ...(s.process ? { process: s.process } : {}) });
    let st: import('node:fs').BigIntStats | undefined;
    try {
      st = await statHere(posix.join(root, reading));
    } catch {
      continue;
    }
    if (st === undefined || !st.isSocket()) continue;
    // A hard link or a bind mount of a socket is the same inode under another name.
    const same = sockets.find((s) => s.dev === st.dev && s.ino === st.ino);
    if (same) out.set(same.path, { path: same.path, owner: same.owner, ...(same.process ? { process: same.process } : {}), direct: true });
    else if (st.uid === 0n) out.set(reading, { path: reading, owner: 'root-daemon', direct: true });
  }
  return [...out.values()];
}

/**
 * Fills in what the spec's host paths are on this host: each device's nodes, each bind's
 * reached sockets, each local device mount's device. Doors that run on the daemon's host
 * (enforce, audit of a local engine) call it; the rules read the facts it sets.
 */
export async function readHostObjects(spec: ContainerSpec, root = '/'): Promise<void> {
  await Promise.all([
    ...spec.devices.map(async (d) => {
      d.nodes = await deviceNodesOf(d.hostPath, root);
    }),
    ...spec.mounts.map(async (m: MountSpec) => {
      if (m.type === 'bind') m.reaches = await socketsReached(m.source, root);
      if (m.type === 'volume' && m.volume) {
        const lv = localVolumeMount(m.volume);
        if (lv?.kind === 'device' && lv.device.startsWith('/')) m.volume.deviceNodes = await deviceNodesOf(lv.device, root);
      }
    }),
  ]);
}

/**
 * Each bind mount as written and as this host resolves its source (both readings when `..`
 * makes them differ): the path as written is judged too, so resolving never makes a mount
 * look safer than it reads. `notes` gets one line per source that resolved elsewhere.
 */
export async function withResolvedBinds(mounts: MountSpec[], root = '/', notes: string[] = []): Promise<MountSpec[]> {
  const out: MountSpec[] = [];
  for (const m of mounts) {
    out.push(m);
    if (m.type !== 'bind' || !m.source.startsWith('/')) continue;
    for (const r of await hostPathReadings(m.source, root)) {
      if (r === m.source) continue;
      notes.push(`bind source ${m.source} resolves to ${r} on this host`);
      out.push({ ...m, source: r });
    }
  }
  return out;
}
