import { AUDIT_ARCH } from './kernel-audit-records.ts';
import { I386_SYSCALLS, X86_64_SYSCALLS } from './syscall-table.ts';

/** The architectures whose syscalls Moat can name; the seccomp profile's `architectures` use libseccomp's names. */
export type Arch = 'x86_64' | 'i386';

export const SCMP_ARCH: Record<Arch, string> = { x86_64: 'SCMP_ARCH_X86_64', i386: 'SCMP_ARCH_X86' };

/** x32 syscalls arrive under the x86_64 audit arch with this bit set in the number. */
const X32_SYSCALL_BIT = 0x40000000;

const TABLES: Record<Arch, Readonly<Record<number, string>>> = { x86_64: X86_64_SYSCALLS, i386: I386_SYSCALLS };

export type Named = { arch: Arch; name: string } | { arch: Arch | 'x32' | string; name?: undefined; number: number };

/** A seccomp record's (audit arch, number) → a syscall name, or why it has none. */
export function nameSyscall(auditArch: string, nr: number): Named {
  const arch = auditArch === AUDIT_ARCH.x86_64 ? 'x86_64' : auditArch === AUDIT_ARCH.i386 ? 'i386' : undefined;
  if (arch === undefined) return { arch: auditArch, number: nr };
  if (arch === 'x86_64' && nr & X32_SYSCALL_BIT) return { arch: 'x32', number: nr };
  const name = TABLES[arch][nr];
  return name === undefined ? { arch, number: nr } : { arch, name };
}

export function isKnownSyscall(name: string): boolean {
  return KNOWN.has(name);
}
const KNOWN = new Set([...Object.values(X86_64_SYSCALLS), ...Object.values(I386_SYSCALLS)]);
