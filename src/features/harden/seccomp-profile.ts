/**
 * Docker's seccomp profile format (`defaultAction`, `architectures`, `syscalls` with
 * `names`, `action`, `args`), as the engine reads it from `--security-opt seccomp=FILE`.
 */
import { SCMP_ARCH, type Arch } from './syscalls.ts';

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: 'SCMP_CMP_NE' | 'SCMP_CMP_EQ' | 'SCMP_CMP_MASKED_EQ';
}

export interface SeccompRule {
  names: string[];
  action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO' | 'SCMP_ACT_LOG';
  errnoRet?: number;
  args?: SeccompArg[];
  comment?: string;
}

export interface SeccompProfile {
  defaultAction: 'SCMP_ACT_ERRNO' | 'SCMP_ACT_LOG';
  defaultErrnoRet?: number;
  architectures: string[];
  syscalls: SeccompRule[];
}

const EPERM = 1;
const ENOSYS = 38;
/** CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET (linux/sched.h). */
export const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
const AF_VSOCK = 40;
/** personality(2) values a container may set without widening its attack surface: PER_LINUX, PER_LINUX32, UNAME26 and their mix, and the query 0xffffffff. */
const SAFE_PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

/** The recording profile: everything allowed and logged, except what earlier passes already saw (allowed silently, so the log has room for the rest). */
export function recordingProfile(alreadySeen: readonly string[]): SeccompProfile {
  return {
    defaultAction: 'SCMP_ACT_LOG',
    // All three x86 ABIs, so 32-bit and x32 calls are logged rather than killed as a foreign architecture.
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: alreadySeen.length ? [{ names: [...alreadySeen].sort(), action: 'SCMP_ACT_ALLOW' }] : [],
  };
}

export interface ProfileInput {
  /** Syscalls to allow: what was observed plus the runtime's. */
  names: ReadonlySet<string>;
  archs: ReadonlySet<Arch>;
  /** Capabilities the container will have: SYS_ADMIN lifts the namespace restrictions on clone, as in Docker's default profile. */
  caps: readonly string[];
  /** The original ran under Docker's default profile, so its restrictions on socket families and personalities held for it too. */
  underDefaultProfile: boolean;
}

/**
 * Allows exactly the given syscalls; everything else fails with EPERM. Argument
 * restrictions a name-only allow list would lose are kept: clone may not create
 * namespaces (without SYS_ADMIN), clone3 (whose flags seccomp cannot read) answers
 * ENOSYS so libc falls back to clone, and under a default-profile original socket and
 * personality keep Docker's limits.
 */
export function buildProfile(p: ProfileInput): SeccompProfile {
  const sysAdmin = p.caps.includes('SYS_ADMIN');
  const plain = new Set(p.names);
  const rules: SeccompRule[] = [];
  if (!sysAdmin && (plain.has('clone') || plain.has('clone3'))) {
    const usedClone3 = plain.delete('clone3');
    plain.delete('clone');
    rules.push({ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }], comment: 'no new namespaces' });
    if (usedClone3) rules.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS, comment: 'its flags cannot be checked: ENOSYS makes libc use clone' });
  }
  if (p.underDefaultProfile && plain.delete('socket')) {
    rules.push({ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: AF_VSOCK, op: 'SCMP_CMP_NE' }], comment: 'no AF_VSOCK, as in the original profile' });
  }
  if (p.underDefaultProfile && plain.delete('personality')) {
    for (const value of SAFE_PERSONALITIES) rules.push({ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }] });
  }
  const archs = (['x86_64', 'i386'] as const).filter((a) => a === 'x86_64' || p.archs.has(a)).map((a) => SCMP_ARCH[a]);
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    architectures: archs,
    syscalls: [...(plain.size ? [{ names: [...plain].sort(), action: 'SCMP_ACT_ALLOW' as const }] : []), ...rules],
  };
}
