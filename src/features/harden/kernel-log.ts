import { closeSync, constants, openSync, readSync } from 'node:fs';
import { MoatError } from '../../util/errors.ts';

/** One record of the kernel's log buffer as /dev/kmsg gives it. */
export interface KmsgRecord {
  /** The buffer's sequence number: consecutive records differ by 1, so a jump means records were lost. */
  seq: number;
  /** Microseconds since boot. */
  usec: number;
  message: string;
}

export const KMSG_PATH = '/dev/kmsg';

/** A record is at most ~1 KiB (LOG_LINE_MAX plus its prefix); a smaller buffer makes read(2) fail with EINVAL. */
const RECORD_BUFFER = 8192;

/**
 * Reads /dev/kmsg without blocking: every read(2) returns one record, EAGAIN when none
 * is waiting, and EPIPE when the ring buffer overwrote records before they were read.
 * Both kinds of loss (EPIPE and sequence jumps) are counted, never hidden: a recording
 * built from an incomplete log would allow too little.
 */
export class KernelLog {
  /** Records the buffer overwrote before Moat read them. */
  lost = 0;
  private fd: number | undefined;
  private lastSeq: number | undefined;
  private readonly buf = Buffer.alloc(RECORD_BUFFER);
  readonly path: string;

  private constructor(fd: number, path: string) {
    this.fd = fd;
    this.path = path;
  }

  /** Opens the log; a refusal names the reason and what to do. */
  static open(path: string = KMSG_PATH): KernelLog {
    try {
      return new KernelLog(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK), path);
    } catch (e) {
      throw kernelLogError(path, e);
    }
  }

  /** Reads and discards what the buffer already holds: a recording starts from now. */
  skipToEnd(): void {
    while (this.readBatch(10_000).length > 0) {
      /* keep draining */
    }
    this.lost = 0;
  }

  /** Up to `max` records that are waiting now; an empty array when none are. */
  readBatch(max = 2000): KmsgRecord[] {
    const out: KmsgRecord[] = [];
    while (out.length < max && this.fd !== undefined) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') break;
        if (code === 'EPIPE') {
          // The position moved on to the oldest record still held; the jump in seq counts how many were lost.
          continue;
        }
        throw kernelLogError(this.path, e);
      }
      if (n === 0) break;
      const rec = parseKmsgRecord(this.buf.toString('utf8', 0, n));
      if (!rec) continue;
      if (this.lastSeq !== undefined && rec.seq > this.lastSeq + 1) this.lost += rec.seq - this.lastSeq - 1;
      this.lastSeq = rec.seq;
      out.push(rec);
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** `PRI,SEQ,USEC,FLAGS[,...];MESSAGE\n[ KEY=VALUE\n]...` (Documentation/ABI/testing/dev-kmsg). */
export function parseKmsgRecord(raw: string): KmsgRecord | undefined {
  const semi = raw.indexOf(';');
  if (semi < 0) return undefined;
  const [, seq, usec] = raw.slice(0, semi).split(',');
  const end = raw.indexOf('\n', semi);
  const message = unescapeKmsg(raw.slice(semi + 1, end < 0 ? undefined : end));
  if (seq === undefined || usec === undefined || !/^\d+$/.test(seq) || !/^\d+$/.test(usec)) return undefined;
  return { seq: Number(seq), usec: Number(usec), message };
}

/** The kernel writes non-printable bytes as `\xNN`. */
function unescapeKmsg(s: string): string {
  return s.includes('\\x') ? s.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s;
}

function kernelLogError(path: string, e: unknown): MoatError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EPERM' || code === 'EACCES') {
    return new MoatError(
      'incomplete',
      `cannot read the kernel log (${path}: permission denied; with kernel.dmesg_restrict=1 only root or CAP_SYSLOG may read it): run moat harden as root on the engine's host`,
      { cause: e },
    );
  }
  if (code === 'ENOENT') return new MoatError('incomplete', `no kernel log at ${path}: moat harden records syscalls from the Linux kernel log and needs /dev/kmsg (is /dev mounted?)`, { cause: e });
  return new MoatError('incomplete', `cannot read the kernel log ${path}: ${code ?? (e as Error).message}`, { cause: e });
}
