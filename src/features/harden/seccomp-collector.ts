/**
 * Turns the kernel log into the syscalls one copy made. It reads while the copy runs (the
 * log's ring buffer holds only ~600 seccomp records here), attributes each record to the
 * copy by pid, and counts every way a record can go missing, so a pass that lost any is
 * known to be incomplete.
 */
import { parseAuditLine, SECCOMP_RET_LOG } from './kernel-audit-records.ts';
import type { CopyProcesses } from './copy-processes.ts';
import type { KernelLog } from './kernel-log.ts';

/** runc's init process until it execs the workload: what it calls after loading the filter is the runtime's, not the workload's. */
export const RUNC_INIT_COMM = 'runc:[2:INIT]';

export interface ObservedSyscall {
  arch: string;
  nr: number;
  count: number;
  /** Process names that made it. */
  comms: Set<string>;
  /** Made by the workload's processes (not only by runc before the exec). */
  workload: boolean;
}

export interface CollectorStats {
  /** Seccomp records attributed to the copy. */
  records: number;
  /** Records the kernel or the ring buffer dropped (any of them may have been the copy's). */
  lost: number;
  /** Records from processes in other cgroups (not the copy's). */
  foreign: number;
  /** Pids that had exited before Moat could check their cgroup, attributed to the copy because nothing else was being recorded. */
  byElimination: Set<number>;
}

export class SeccompCollector {
  readonly syscalls = new Map<string, ObservedSyscall>();
  readonly stats: CollectorStats = { records: 0, lost: 0, foreign: 0, byElimination: new Set() };
  private readonly log: KernelLog;
  private readonly procs: CopyProcesses;
  private windowStart = Number.POSITIVE_INFINITY;
  private windowEnd = Number.POSITIVE_INFINITY;
  private lastSerial: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastAuditAt = 0;
  private readonly classes = new Map<number, 'copy' | 'foreign' | 'gone'>();

  constructor(log: KernelLog, procs: CopyProcesses) {
    this.log = log;
    this.procs = procs;
  }

  /** Begins reading; records stamped before `startMs` are someone else's. */
  start(startMs: number): void {
    this.log.skipToEnd();
    this.windowStart = startMs;
    this.pump();
  }

  /** The copy has stopped at `endMs`: read what the kernel still holds for it, then stop. */
  async finish(endMs: number, quietMs = 300, maxMs = 5000): Promise<void> {
    this.windowEnd = endMs;
    const until = Date.now() + maxMs;
    this.lastAuditAt = Date.now();
    while (Date.now() < until && Date.now() - this.lastAuditAt < quietMs) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.stop();
    if (this.failure === undefined) this.drain();
    if (this.failure !== undefined) throw this.failure;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A failure to read the log (not a loss: the log itself failed), thrown by `finish`. */
  private failure: unknown;

  private pump = (): void => {
    let busy: boolean;
    try {
      busy = this.drain();
    } catch (e) {
      this.failure = e;
      this.timer = undefined;
      return;
    }
    // Drain again at once while records keep arriving; otherwise look every few milliseconds.
    this.timer = busy ? setTimeout(this.pump, 0) : setTimeout(this.pump, 3);
  };

  /** Reads what is waiting; true when the batch was full. */
  private drain(): boolean {
    this.procs.poll();
    const lostBefore = this.log.lost;
    const batch = this.log.readBatch(4000);
    this.stats.lost += this.log.lost - lostBefore;
    this.log.lost = 0;
    for (const rec of batch) {
      if (!rec.message.startsWith('audit') && !rec.message.startsWith('kauditd')) continue;
      const line = parseAuditLine(rec.message);
      if (!line) continue;
      if (line.kind === 'loss') {
        this.stats.lost += line.count;
        continue;
      }
      const serial = line.kind === 'seccomp' ? line.record.serial : line.serial;
      // Audit serials are consecutive; a jump is an event printk or the ring buffer dropped.
      if (this.lastSerial !== undefined && serial > this.lastSerial + 1) this.stats.lost += serial - this.lastSerial - 1;
      if (this.lastSerial === undefined || serial > this.lastSerial) this.lastSerial = serial;
      this.lastAuditAt = Date.now();
      if (line.kind !== 'seccomp') continue;
      const r = line.record;
      if (r.code !== SECCOMP_RET_LOG || r.timeMs < this.windowStart || r.timeMs > this.windowEnd + 1000) continue;
      let cls = this.classes.get(r.pid);
      if (cls === undefined) {
        cls = this.procs.classify(r.pid);
        this.classes.set(r.pid, cls);
        if (cls === 'gone') this.stats.byElimination.add(r.pid);
      }
      if (cls === 'foreign') {
        this.stats.foreign++;
        continue;
      }
      this.stats.records++;
      const key = `${r.arch}:${r.syscall}`;
      let s = this.syscalls.get(key);
      if (!s) {
        s = { arch: r.arch, nr: r.syscall, count: 0, comms: new Set(), workload: false };
        this.syscalls.set(key, s);
      }
      s.count++;
      s.comms.add(r.comm);
      if (r.comm !== RUNC_INIT_COMM) s.workload = true;
    }
    return batch.length === 4000;
  }
}
