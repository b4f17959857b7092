/**
 * Finds the dockerd process in `<root>/proc`. Containers that run their own dockerd
 * (docker-in-docker) and rootless daemons show up there too, so candidates are
 * narrowed to the host's PID namespace and then to the one whose data root is the one
 * the engine reports.
 */
import { posix } from 'node:path';
import { underRoot } from '../host/files.ts';
import { readTextHere, readdirHere, readlinkHere } from '../host/local-lookup.ts';
import { parseDockerdArgv } from './argv.ts';

export interface DockerdProcess {
  pid: number;
  argv: string[];
  /** `readlink /proc/PID/ns/pid`, when readable. */
  pidNamespace?: string;
  /** Working directory, to resolve a relative `--config-file`. */
  cwd?: string;
  /** Real uid on the host (`/proc/PID/status`), when readable. */
  uid?: number;
  /** The variables a rootless dockerd takes its default paths from (ENV_KEYS), when its environment is readable. */
  env?: Record<string, string>;
}

/** RootlessKit marks its child with ROOTLESSKIT_STATE_DIR; dockerd then defaults its paths to the XDG directories. */
const ENV_KEYS = ['HOME', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'ROOTLESSKIT_STATE_DIR'];

/** The ENV_KEYS of a NUL-separated `/proc/PID/environ`. */
export function parseEnviron(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    if (ENV_KEYS.includes(key)) out[key] = entry.slice(eq + 1);
  }
  return out;
}

/** True for a dockerd started by RootlessKit (dockerd-rootless.sh). */
export function isRootlessProcess(p: DockerdProcess): boolean {
  return p.env?.ROOTLESSKIT_STATE_DIR !== undefined;
}

/** NUL-separated `/proc/PID/cmdline` → argv (the trailing NUL ends the last word, it does not start a new one). */
export function parseCmdline(raw: string): string[] {
  const words = raw.split('\0');
  if (words[words.length - 1] === '') words.pop();
  return words;
}

export async function listDockerd(root: string): Promise<DockerdProcess[]> {
  let entries: string[];
  try {
    entries = await readdirHere(underRoot(root, '/proc'));
  } catch {
    return [];
  }
  const found = await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (pid): Promise<DockerdProcess | undefined> => {
        const dir = underRoot(root, `/proc/${pid}`);
        // A process can exit between readdir and read: it is then not the daemon we talk to.
        const comm = await readTextHere(`${dir}/comm`).catch(() => '');
        if (comm.trim() !== 'dockerd') return undefined;
        const cmdline = await readTextHere(`${dir}/cmdline`).catch(() => undefined);
        if (cmdline === undefined) return undefined;
        const [pidNamespace, cwd, status, environ] = await Promise.all([
          readlinkHere(`${dir}/ns/pid`).catch(() => undefined),
          readlinkHere(`${dir}/cwd`).catch(() => undefined),
          readTextHere(`${dir}/status`).catch(() => undefined),
          readTextHere(`${dir}/environ`).catch(() => undefined),
        ]);
        const uid = status === undefined ? undefined : /^Uid:\s+(\d+)/m.exec(status)?.[1];
        return {
          pid: Number(pid),
          argv: parseCmdline(cmdline),
          ...(pidNamespace ? { pidNamespace } : {}),
          ...(cwd ? { cwd } : {}),
          ...(uid !== undefined ? { uid: Number(uid) } : {}),
          ...(environ !== undefined ? { env: parseEnviron(environ) } : {}),
        };
      }),
  );
  return found.filter((p): p is DockerdProcess => p !== undefined);
}

export interface ChooseHints {
  /** The host's PID namespace (`readlink <root>/proc/1/ns/pid`), when readable. */
  hostPidNamespace?: string;
  /** `DockerRootDir` from /info. */
  dockerRootDir?: string;
}

/** The dockerd that most plausibly serves the engine Moat talks to; undefined when none is visible. */
export function chooseDockerd(candidates: readonly DockerdProcess[], hints: ChooseHints): DockerdProcess | undefined {
  let list = [...candidates].sort((a, b) => a.pid - b.pid);
  if (hints.hostPidNamespace) {
    const onHost = list.filter((p) => p.pidNamespace === undefined || p.pidNamespace === hints.hostPidNamespace);
    if (onHost.length > 0) list = onHost;
  }
  if (list.length > 1 && hints.dockerRootDir) {
    const matching = list.filter((p) => sameDataRoot(dataRootOf(p), hints.dockerRootDir ?? ''));
    if (matching.length > 0) list = matching;
  }
  return list[0];
}

function dataRootOf(p: DockerdProcess): string {
  const v = parseDockerdArgv(p.argv).find((o) => o.key === 'data-root')?.value;
  if (typeof v === 'string' && v !== '') return v;
  // A rootless dockerd's default data root is in its user's home (dockerd's own default for RootlessKit children).
  if (isRootlessProcess(p)) {
    const dataHome = p.env?.XDG_DATA_HOME || (p.env?.HOME ? `${p.env.HOME}/.local/share` : undefined);
    if (dataHome) return `${dataHome}/docker`;
  }
  return '/var/lib/docker';
}

/** With userns-remap the engine reports `<data-root>/<uid>.<gid>`. */
function sameDataRoot(configured: string, reported: string): boolean {
  const norm = (p: string): string => posix.resolve('/', p);
  const r = norm(reported);
  return norm(configured) === r || norm(configured) === r.replace(/\/\d+\.\d+$/, '');
}

export async function findDockerd(root: string, dockerRootDir?: string): Promise<DockerdProcess | undefined> {
  const [candidates, hostPidNamespace] = await Promise.all([listDockerd(root), readlinkHere(underRoot(root, '/proc/1/ns/pid')).catch(() => undefined)]);
  return chooseDockerd(candidates, { hostPidNamespace, dockerRootDir });
}
