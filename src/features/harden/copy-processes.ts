/**
 * The copy's processes as the host sees them: its cgroup's member list (polled, because
 * the kernel log names only a pid), each process's uids, and the sockets in its network
 * namespace. Read from /proc and /sys/fs/cgroup, which is why a recording runs on the
 * engine's own host.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessFacts {
  comm: string;
  /** Real, effective, saved and filesystem uids seen over the run. */
  uids: Set<number>;
  gids: Set<number>;
}

export interface SocketFacts {
  /** `port/proto` of listening TCP and bound UDP sockets. */
  bound: Set<string>;
  raw: boolean;
  packet: boolean;
  /** A NETLINK_AUDIT socket (login-style programs write audit records through it). */
  audit: boolean;
}

export type PidClass = 'copy' | 'foreign' | 'gone';

export interface ProcRoots {
  proc: string;
  cgroup: string;
}

export class CopyProcesses {
  readonly known = new Map<number, ProcessFacts>();
  readonly sockets: SocketFacts = { bound: new Set(), raw: false, packet: false, audit: false };
  private procsFile: string | undefined;
  private initPid = 0;
  private readonly id: string;
  private readonly roots: ProcRoots;

  constructor(containerId: string, roots: ProcRoots = { proc: '/proc', cgroup: '/sys/fs/cgroup' }) {
    this.id = containerId;
    this.roots = roots;
  }

  /** Starts following the copy from its init process; false when that pid is not the copy's on this kernel. */
  attach(initPid: number): boolean {
    if (initPid <= 0 || this.classify(initPid) !== 'copy') return false;
    this.initPid = initPid;
    this.procsFile = cgroupProcsFile(this.roots, initPid);
    this.note(initPid);
    return true;
  }

  /** Reads the cgroup's member list (and each new member's facts); cheap enough to call every few milliseconds. */
  poll(): void {
    if (!this.procsFile) return;
    let text: string;
    try {
      text = readFileSync(this.procsFile, 'utf8');
    } catch {
      return; // the cgroup goes away when the copy stops
    }
    for (const line of text.split('\n')) {
      const pid = Number(line);
      if (pid > 0) this.note(pid);
    }
  }

  /** Listening and raw sockets in the copy's network namespace (it is the copy's own: host and container network modes are refused). */
  pollSockets(): void {
    if (this.initPid <= 0) return;
    const net = join(this.roots.proc, String(this.initPid), 'net');
    for (const [file, proto, state] of [['tcp', 'tcp', '0A'], ['tcp6', 'tcp', '0A'], ['udp', 'udp', '07'], ['udp6', 'udp', '07']] as const) {
      for (const cols of table(join(net, file))) {
        const port = parseInt(cols[1]?.split(':')[1] ?? '', 16);
        if (cols[3] === state && Number.isInteger(port) && port > 0) this.sockets.bound.add(`${port}/${proto}`);
      }
    }
    if (table(join(net, 'raw')).length + table(join(net, 'raw6')).length > 0) this.sockets.raw = true;
    if (table(join(net, 'packet')).length > 0) this.sockets.packet = true;
    // Columns: sk Eth Pid ...; protocol 9 is NETLINK_AUDIT, port id 0 is the kernel's own socket.
    if (table(join(net, 'netlink')).some((c) => c[1] === '9' && c[2] !== '0')) this.sockets.audit = true;
  }

  /** Whether a pid named by the kernel log is one of the copy's processes, someone else's, or already gone. */
  classify(pid: number): PidClass {
    if (this.known.has(pid)) return 'copy';
    let cg: string;
    try {
      cg = readFileSync(join(this.roots.proc, String(pid), 'cgroup'), 'utf8');
    } catch {
      return 'gone';
    }
    if (!cg.includes(this.id)) return 'foreign';
    this.note(pid);
    return 'copy';
  }

  private note(pid: number): void {
    let facts = this.known.get(pid);
    if (!facts) {
      facts = { comm: '', uids: new Set(), gids: new Set() };
      this.known.set(pid, facts);
    }
    try {
      const status = readFileSync(join(this.roots.proc, String(pid), 'status'), 'utf8');
      facts.comm = /^Name:\t(.*)$/m.exec(status)?.[1] ?? facts.comm;
      for (const u of (/^Uid:\t(.*)$/m.exec(status)?.[1] ?? '').split('\t')) if (u !== '') facts.uids.add(Number(u));
      for (const g of (/^Gid:\t(.*)$/m.exec(status)?.[1] ?? '').split('\t')) if (g !== '') facts.gids.add(Number(g));
    } catch {
      /* exited between the list and the read */
    }
  }
}

/** The member list of the pid's cgroup: cgroup v1's pids (or memory) hierarchy, or the v2 unified one. */
export function cgroupProcsFile(roots: ProcRoots, pid: number): string | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(roots.proc, String(pid), 'cgroup'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const entries = lines.map((l) => l.split(':')).filter((p) => p.length >= 3);
  for (const ctrl of ['pids', 'memory']) {
    const e = entries.find((p) => (p[1] ?? '').split(',').includes(ctrl));
    if (e) return join(roots.cgroup, ctrl, e.slice(2).join(':'), 'cgroup.procs');
  }
  const unified = entries.find((p) => p[0] === '0' && p[1] === '');
  if (unified && existsSync(join(roots.cgroup, 'cgroup.controllers'))) return join(roots.cgroup, unified.slice(2).join(':'), 'cgroup.procs');
  return undefined;
}

function table(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c.length > 3);
  } catch {
    return [];
  }
}
