import type { ProcessInfo } from '../../models/rule.ts';
import { mapLimit } from '../../util/concurrency.ts';
import { underRoot } from './files.ts';
import { readTextHere, readdirHere, readlinkHere } from './local-lookup.ts';

/** Files open at once while reading a container's processes (a container may hold thousands). */
const OPEN_AT_ONCE = 16;

/**
 * The processes of a running container read from the host's /proc and cgroup file
 * system: the members of the container's cgroup, which is the set the engine's `top`
 * lists. The engine runs `ps` on the host for every `top` (about 12 ms a container here,
 * against well under 1 ms for these reads), which made process checks the slowest part of
 * an audit. `undefined` whenever the files are absent or do not belong to this container
 * (a remote daemon, Moat in other PID or cgroup namespaces): the caller then asks the engine.
 */
export async function readContainerProcesses(root: string, containerId: string, pid: number): Promise<ProcessInfo[] | undefined> {
  if (!Number.isInteger(pid) || pid <= 0 || !/^[0-9a-f]{12,64}$/.test(containerId)) return undefined;
  const cgroups = await readText(root, `/proc/${pid}/cgroup`);
  if (cgroups === undefined) return undefined;
  for (const dir of cgroupDirs(cgroups)) {
    // A PID of another namespace can name an unrelated process: the engine names every container's cgroup after its id.
    if (!dir.includes(containerId)) continue;
    const procs = await readText(root, `${dir}/cgroup.procs`);
    if (procs === undefined) continue;
    const pids = procs.split('\n').map((l) => l.trim()).filter((l) => /^\d+$/.test(l));
    if (!pids.includes(String(pid))) continue;
    try {
      const found = await mapLimit(pids, OPEN_AT_ONCE, (p) => describe(root, p));
      return found.filter((p): p is ProcessInfo => p !== undefined);
    } catch {
      // Something other than a process exiting: a partial list would pass what it missed, so the engine is asked.
      return undefined;
    }
  }
  return undefined;
}

/**
 * The processes of a running container read by PID namespace: every process in the
 * namespace of the container's init. For daemons that put containers in no cgroup (a
 * rootless daemon on cgroup v1, CgroupDriver "none"), where the engine's `top` fails too
 * (runc lists a container's processes from its cgroup). It holds only when the init really
 * is this container's (its parent is the containerd shim started with `-id <containerId>`)
 * and the container has a PID namespace of its own; otherwise `undefined`.
 */
export async function readNamespaceProcesses(root: string, containerId: string, pid: number): Promise<ProcessInfo[] | undefined> {
  if (!Number.isInteger(pid) || pid <= 0 || !/^[0-9a-f]{12,64}$/.test(containerId)) return undefined;
  const status = await readText(root, `/proc/${pid}/status`);
  const ppid = status === undefined ? undefined : /^PPid:\s+(\d+)/m.exec(status)?.[1];
  if (ppid === undefined) return undefined;
  const shim = (await readText(root, `/proc/${ppid}/cmdline`))?.split('\0') ?? [];
  const idAt = shim.indexOf('-id');
  if (idAt < 0 || shim[idAt + 1] !== containerId) return undefined;
  const [ns, hostNs] = await Promise.all([readlinkOr(root, `/proc/${pid}/ns/pid`), readlinkOr(root, '/proc/1/ns/pid')]);
  // --pid=host (or another container's namespace) leaves nothing that tells this container's processes apart.
  if (ns === undefined || ns === hostNs) return undefined;
  let entries: string[];
  try {
    entries = await readdirHere(underRoot(root, '/proc'));
  } catch {
    return undefined;
  }
  const members = await mapLimit(
    entries.filter((e) => /^\d+$/.test(e)),
    OPEN_AT_ONCE,
    async (p) => ((await readlinkOr(root, `/proc/${p}/ns/pid`)) === ns ? p : undefined),
  );
  const pids = members.filter((p): p is string => p !== undefined).sort((a, b) => Number(a) - Number(b));
  if (!pids.includes(String(pid))) return undefined;
  try {
    const found = await mapLimit(pids, OPEN_AT_ONCE, (p) => describe(root, p));
    return found.filter((p): p is ProcessInfo => p !== undefined);
  } catch {
    return undefined;
  }
}

async function readlinkOr(root: string, path: string): Promise<string | undefined> {
  try {
    return await readlinkHere(underRoot(root, path));
  } catch {
    return undefined;
  }
}

/** Where the cgroup of a `/proc/PID/cgroup` text lives: the pids (or memory) hierarchy on v1, the unified one on v2 and hybrid hosts. */
export function cgroupDirs(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim());
    if (!m) continue;
    const controllers = (m[2] ?? '').split(',');
    const path = m[3] ?? '/';
    if (controllers.includes('pids')) out.unshift(`/sys/fs/cgroup/pids${path}`);
    else if (controllers.includes('memory')) out.push(`/sys/fs/cgroup/memory${path}`);
    else if (m[1] === '0' && m[2] === '') out.push(`/sys/fs/cgroup${path}`, `/sys/fs/cgroup/unified${path}`);
  }
  return out;
}

/** A process as `ps -ef` shows it: real uid, and its arguments (or `[comm]` when it has none). Exited meanwhile: undefined. */
async function describe(root: string, pid: string): Promise<ProcessInfo | undefined> {
  const [cmdline, status] = await Promise.all([readProcFile(root, `/proc/${pid}/cmdline`), readProcFile(root, `/proc/${pid}/status`)]);
  if (cmdline === undefined || status === undefined) return undefined;
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? '';
  const args = cmdline.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '';
  return { pid, user: uid, command: args.length ? args.join(' ') : `[${name}]` };
}

/** `undefined` when the process has exited (ENOENT, ESRCH); any other failure throws. */
async function readProcFile(root: string, path: string): Promise<string | undefined> {
  try {
    return await readTextHere(underRoot(root, path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw e;
  }
}

async function readText(root: string, path: string): Promise<string | undefined> {
  try {
    return await readTextHere(underRoot(root, path));
  } catch {
    return undefined;
  }
}
