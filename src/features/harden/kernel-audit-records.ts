/**
 * The kernel log lines a seccomp recording reads. With no audit daemon, the kernel prints
 * each audit record as `audit: type=T audit(SECONDS.MILLIS:SERIAL): fields`; a seccomp
 * record (type 1326, AUDIT_SECCOMP) carries the pid, comm, arch and syscall number (never
 * the arguments, never a container id).
 */

export const AUDIT_SECCOMP = 1326;
/** SECCOMP_RET_LOG: the action of the recording profile's default. */
export const SECCOMP_RET_LOG = 0x7ffc0000;
/** AUDIT_ARCH_X86_64 and AUDIT_ARCH_I386, as the record prints them. */
export const AUDIT_ARCH = { x86_64: 'c000003e', i386: '40000003' } as const;

export interface SeccompRecord {
  /** The audit event's serial: consecutive events differ by 1. */
  serial: number;
  /** Wall-clock time the event happened (ms since the epoch). */
  timeMs: number;
  /** Host (initial namespace) thread-group id. */
  pid: number;
  uid: number;
  comm: string;
  /** Audit arch in hex, e.g. `c000003e`. */
  arch: string;
  syscall: number;
  /** The seccomp action the filter returned. */
  code: number;
}

export type AuditLine =
  | { kind: 'seccomp'; record: SeccompRecord }
  /** Any other audit record: its serial still counts for gap detection. */
  | { kind: 'audit'; serial: number; timeMs: number }
  /** The kernel saying it dropped audit records. */
  | { kind: 'loss'; count: number; text: string };

const HEADER = /^audit: type=(\d+) audit\((\d+)\.(\d{3}):(\d+)\): (.*)$/s;

/** Classifies one kernel log message; `undefined` for lines that are not about audit. */
export function parseAuditLine(message: string): AuditLine | undefined {
  const h = HEADER.exec(message);
  if (h) {
    const [, type, secs, millis, serial, rest] = h as unknown as [string, string, string, string, string, string];
    const timeMs = Number(secs) * 1000 + Number(millis);
    if (Number(type) !== AUDIT_SECCOMP) return { kind: 'audit', serial: Number(serial), timeMs };
    const f = fields(rest);
    const pid = Number(f.get('pid'));
    const syscall = Number(f.get('syscall'));
    const code = Number.parseInt(f.get('code') ?? '', 16);
    if (!Number.isInteger(pid) || !Number.isInteger(syscall) || !Number.isInteger(code)) return { kind: 'audit', serial: Number(serial), timeMs };
    return {
      kind: 'seccomp',
      record: { serial: Number(serial), timeMs, pid, uid: Number(f.get('uid') ?? -1), comm: f.get('comm') ?? '', arch: (f.get('arch') ?? '').toLowerCase(), syscall, code },
    };
  }
  // Printed (rate-limited itself) when printk's rate limit swallowed audit records.
  const suppressed = /^kauditd_printk_skb: (\d+) callbacks suppressed/.exec(message);
  if (suppressed) return { kind: 'loss', count: Number(suppressed[1]), text: message };
  // The audit backlog overflowed: records were dropped before they got a serial.
  const lost = /^audit: audit_lost=(\d+)/.exec(message);
  if (lost) return { kind: 'loss', count: Number(lost[1]), text: message };
  if (/^audit: (audit_backlog=|kauditd hold queue overflow|backlog limit exceeded)/.test(message)) return { kind: 'loss', count: 1, text: message };
  return undefined;
}

/**
 * `key=value` pairs; a value is bare, "quoted", or hex-encoded when it holds a space or a
 * quote (the kernel's audit_log_untrustedstring), e.g. comm=6D7920617070 for "my app".
 */
function fields(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of s.matchAll(/(\w+)=("([^"]*)"|\S+)/g)) {
    const key = m[1] as string;
    if (m[3] !== undefined) out.set(key, m[3]);
    else if (key === 'comm' || key === 'exe') out.set(key, decodeUntrusted(m[2] as string));
    else out.set(key, m[2] as string);
  }
  return out;
}

function decodeUntrusted(v: string): string {
  if (v === '(null)' || !/^([0-9A-F]{2})+$/.test(v)) return v;
  return Buffer.from(v, 'hex').toString('utf8');
}
