import { accessSync, closeSync, constants, lstatSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MoatError } from '../../util/errors.ts';
import { KernelLog, KMSG_PATH } from './kernel-log.ts';

/**
 * What a seccomp recording needs from the host, checked before anything is created:
 * a readable kernel log, seccomp's SCMP_ACT_LOG records enabled, no audit daemon taking
 * the records away, and printk's rate limit off (it keeps 10 lines per 5 s otherwise).
 * Only the last one can be fixed by Moat, and only with the user's consent: the change is
 * made while a host-wide lock is held and undone afterwards, also after a crash (the next
 * recording finds the stale lock and restores the saved value).
 */
export interface HostPaths {
  /** Where `kernel.*` sysctls live; a test points it at a directory of its own. */
  procSys: string;
  /** `/proc`, for finding an audit daemon and checking lock owners. */
  proc: string;
  kmsg: string;
  lockFile: string;
}

export const DEFAULT_HOST_PATHS: HostPaths = {
  procSys: '/proc/sys',
  proc: '/proc',
  kmsg: KMSG_PATH,
  lockFile: join(tmpdir(), 'moat-harden-recording.lock'),
};

export const PRINTK_RATELIMIT = 'kernel.printk_ratelimit';

export interface SysctlChange {
  name: string;
  from: string;
  to: string;
}

export interface RecordingPreflight {
  /** The sysctl change the recording needs; undefined when the host is already set up. */
  sysctl?: SysctlChange;
}

const sysctlPath = (paths: HostPaths, name: string): string => join(paths.procSys, ...name.split('.'));

function readSysctl(paths: HostPaths, name: string): string {
  try {
    return readFileSync(sysctlPath(paths, name), 'utf8').trim();
  } catch (e) {
    throw new MoatError('incomplete', `cannot read ${name} (${sysctlPath(paths, name)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): moat harden needs a Linux host with seccomp and /proc/sys`);
  }
}

/** Refuses (MoatError 'incomplete') when a recording is impossible here; changes nothing. */
export function checkRecordingHost(paths: HostPaths = DEFAULT_HOST_PATHS): RecordingPreflight {
  if (process.platform !== 'linux') throw new MoatError('incomplete', `moat harden records syscalls from the Linux kernel log; this is ${process.platform}: run it on the engine's Linux host`);
  if (process.arch !== 'x64') throw new MoatError('incomplete', `moat harden names syscalls for x86_64 hosts only; this host is ${process.arch}`);
  KernelLog.open(paths.kmsg).close();
  const logged = readSysctl(paths, 'kernel.seccomp.actions_logged').split(/\s+/);
  if (!logged.includes('log')) {
    throw new MoatError(
      'incomplete',
      `the kernel does not log SCMP_ACT_LOG actions (kernel.seccomp.actions_logged = "${logged.join(' ')}"): add "log" with sysctl -w kernel.seccomp.actions_logged="${[...logged, 'log'].join(' ')}" and run moat harden again`,
    );
  }
  const auditd = findProcess(paths, 'auditd');
  if (auditd !== undefined) {
    throw new MoatError(
      'incomplete',
      `an audit daemon runs (auditd, pid ${auditd}): the kernel hands seccomp records to it instead of the kernel log Moat reads; stop auditd while recording (systemctl stop auditd) and run moat harden again`,
    );
  }
  let ratelimit = readSysctl(paths, PRINTK_RATELIMIT);
  if (ratelimit === '0') {
    // Off because another recording turned it off: it will be back on by the time this one records.
    const owner = readOwner(paths.lockFile);
    if (!owner?.sysctl || !ownerAlive(paths, owner)) return {};
    ratelimit = owner.sysctl.from;
  }
  try {
    accessSync(sysctlPath(paths, PRINTK_RATELIMIT), constants.W_OK);
  } catch {
    throw new MoatError(
      'incomplete',
      `${PRINTK_RATELIMIT} is ${ratelimit}, so the kernel keeps only 10 seccomp records per ${ratelimit} s, and Moat may not change it: run moat harden as root, or set it yourself (sysctl -w ${PRINTK_RATELIMIT}=0) and restore it afterwards`,
    );
  }
  return { sysctl: { name: PRINTK_RATELIMIT, from: ratelimit, to: '0' } };
}

function findProcess(paths: HostPaths, comm: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync(paths.proc);
  } catch {
    return undefined;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(join(paths.proc, e, 'comm'), 'utf8').trim() === comm) return Number(e);
    } catch {
      /* exited meanwhile */
    }
  }
  return undefined;
}

interface LockOwner {
  pid: number;
  /** /proc/PID/stat start time, so a reused pid is not mistaken for the owner. */
  start: string;
  /** The value to restore if the owner died before restoring it. */
  sysctl?: SysctlChange;
}

/** A host-wide lease on seccomp recording: one recording at a time, and the sysctl change it needs. */
export interface RecordingLease {
  /** The sysctl change made for the recording, if one was needed. */
  readonly sysctl?: SysctlChange;
  /** Notes for the user: a sysctl that was changed or restored, a stale lock recovered. */
  readonly notes: string[];
  /** Restores the sysctl (unless someone else changed it meanwhile) and frees the lock; idempotent. */
  release(): void;
}

export interface LeaseOptions {
  paths?: HostPaths;
  /** How long to wait for another recording to finish. */
  waitMs?: number;
  signal?: AbortSignal;
  /** Called once when another recording holds the lock. */
  onWait?: (ownerPid: number) => void;
}

export async function acquireRecordingLease(opts: LeaseOptions = {}): Promise<RecordingLease> {
  const paths = opts.paths ?? DEFAULT_HOST_PATHS;
  const notes: string[] = [];
  const deadline = Date.now() + (opts.waitMs ?? 10 * 60_000);
  const me: LockOwner = { pid: process.pid, start: processStart(paths, process.pid) ?? '' };
  let told = false;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const fd = openSync(paths.lockFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new MoatError('incomplete', `cannot create the recording lock ${paths.lockFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const owner = readOwner(paths.lockFile);
    if (owner && ownerAlive(paths, owner)) {
      if (!told) opts.onWait?.(owner.pid);
      told = true;
      if (Date.now() > deadline) {
        throw new MoatError('incomplete', `another moat harden (pid ${owner.pid}) is recording and did not finish in time: wait for it, then run moat harden again (one recording at a time per host)`);
      }
      await sleep(250, undefined, { signal: opts.signal }).catch(() => undefined);
      continue;
    }
    // The owner died without cleaning up: undo its sysctl change, then take over.
    if (owner?.sysctl) {
      const restored = restoreSysctl(paths, owner.sysctl);
      if (restored) notes.push(`restored ${owner.sysctl.name} to ${owner.sysctl.from}, left at ${owner.sysctl.to} by an interrupted moat harden (pid ${owner.pid})`);
    }
    try {
      unlinkSync(paths.lockFile);
    } catch {
      /* another waiter removed it first */
    }
  }

  // Decided now, not at the preflight: a recording that held the lock meanwhile had it off and has put it back.
  const now = readSysctl(paths, PRINTK_RATELIMIT);
  const change: SysctlChange | undefined = now === '0' ? undefined : { name: PRINTK_RATELIMIT, from: now, to: '0' };
  if (change) {
    try {
      // Saved before the change, so a recording killed after it leaves what to restore.
      writeFileSync(paths.lockFile, JSON.stringify({ ...me, sysctl: change } satisfies LockOwner));
      writeFileSync(sysctlPath(paths, change.name), change.to);
    } catch (e) {
      unlinkSync(paths.lockFile);
      throw new MoatError('incomplete', `cannot set ${change.name}=${change.to}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; run moat harden as root, or set it yourself and restore it afterwards`);
    }
    notes.push(`set ${change.name} ${change.from} → ${change.to} for the recording (restored afterwards)`);
  }

  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    if (change) {
      notes.push(
        restoreSysctl(paths, change)
          ? `restored ${change.name} to ${change.from}`
          : `${change.name} was changed by someone else during the recording; Moat left it as it is (it was ${change.from} before)`,
      );
    }
    try {
      unlinkSync(paths.lockFile);
    } catch {
      /* already gone */
    }
  };
  // A last resort when the process exits without releasing (an uncaught error): exit handlers may only do synchronous work, which this is.
  process.on('exit', release);
  return { sysctl: change, notes, release };
}

/** Puts the value back only if it is still what Moat set, so a later deliberate change is kept. */
function restoreSysctl(paths: HostPaths, change: SysctlChange): boolean {
  try {
    if (readFileSync(sysctlPath(paths, change.name), 'utf8').trim() !== change.to) return false;
    writeFileSync(sysctlPath(paths, change.name), change.from);
    return true;
  } catch {
    return false;
  }
}

/**
 * The lock lives in a shared temporary directory, so its content is untrusted: it must be a
 * regular file of Moat's own user, and the only value it can make Moat restore is a number
 * for printk's rate limit.
 */
function readOwner(file: string): LockOwner | undefined {
  let text: string;
  try {
    const st = lstatSync(file);
    if (!st.isFile() || st.uid !== process.getuid?.()) {
      throw new MoatError('incomplete', `${file} is not a recording lock of this user (owner uid ${st.uid}${st.isFile() ? '' : ', not a regular file'}): remove it if no moat harden is running, then try again`);
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof MoatError) throw e;
    return undefined;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid !== 'number' || typeof o.start !== 'string') return undefined;
    const s = o.sysctl;
    const sysctl = s && s.name === PRINTK_RATELIMIT && typeof s.from === 'string' && /^\d{1,9}$/.test(s.from) && s.to === '0' ? s : undefined;
    return { pid: o.pid, start: o.start, sysctl };
  } catch {
    return undefined;
  }
}

function ownerAlive(paths: HostPaths, owner: LockOwner): boolean {
  const start = processStart(paths, owner.pid);
  return start !== undefined && start === owner.start;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks), read after the comm, which may hold spaces and parentheses. */
export function processStart(paths: HostPaths, pid: number): string | undefined {
  try {
    const stat = readFileSync(join(paths.proc, String(pid), 'stat'), 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
