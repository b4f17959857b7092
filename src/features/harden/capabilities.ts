/**
 * Which capabilities a workload needs, inferred from what the recording saw: the syscalls
 * its own processes made (not runc's), the sockets in its network namespace, and the uids
 * its processes took. The kernel log carries no syscall arguments, so a syscall that needs
 * a capability only for some arguments is an inference, said as one; capabilities whose
 * need shows only in arguments or file permissions are not inferred at all, and the
 * verification run (with everything else dropped) is what shows they are not needed.
 */
import type { ContainerSpec } from '../../models/container-spec.ts';
import type { SocketFacts } from './copy-processes.ts';

/** Docker's default capability set (what a container has without --cap-add/--cap-drop). */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/** Every capability of Linux 6.x, for `ALL`. */
export const ALL_CAPS: readonly string[] = [
  'AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'BPF', 'CHECKPOINT_RESTORE', 'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID',
  'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE', 'MAC_ADMIN', 'MAC_OVERRIDE', 'MKNOD', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW',
  'PERFMON', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYSLOG', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE',
  'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'WAKE_ALARM',
];

/** Capabilities whose need shows only in arguments, file modes or ioctls: never inferred, left to the verification run. */
export const NOT_INFERABLE: readonly string[] = ['DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'SETFCAP', 'SETPCAP', 'NET_ADMIN', 'LEASE', 'SYS_RESOURCE', 'WAKE_ALARM'];

/** Syscalls that need a capability, and whether they always do (`observed`) or only for some arguments (`inferred`). */
const SYSCALL_CAPS: ReadonlyArray<{ cap: string; syscalls: readonly string[]; always: boolean; what: string }> = [
  { cap: 'CHOWN', syscalls: ['chown', 'fchown', 'lchown', 'fchownat'], always: false, what: 'changes file owners' },
  { cap: 'SETUID', syscalls: ['setuid', 'setreuid', 'setresuid', 'setfsuid'], always: false, what: 'changes its user id' },
  { cap: 'SETGID', syscalls: ['setgid', 'setregid', 'setresgid', 'setfsgid', 'setgroups'], always: false, what: 'changes its group ids' },
  { cap: 'MKNOD', syscalls: ['mknod', 'mknodat'], always: false, what: 'creates special files (device nodes need MKNOD; FIFOs do not)' },
  { cap: 'SYS_CHROOT', syscalls: ['chroot'], always: true, what: 'changes its root directory' },
  { cap: 'SYS_PTRACE', syscalls: ['ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd'], always: false, what: 'inspects other processes' },
  { cap: 'SYS_ADMIN', syscalls: ['mount', 'umount2', 'pivot_root', 'unshare', 'setns', 'sethostname', 'setdomainname', 'swapon', 'swapoff', 'quotactl', 'fsopen', 'fsmount', 'move_mount', 'open_tree'], always: false, what: 'manages mounts or namespaces' },
  { cap: 'SYS_BOOT', syscalls: ['reboot', 'kexec_load', 'kexec_file_load'], always: true, what: 'reboots' },
  { cap: 'SYS_MODULE', syscalls: ['init_module', 'finit_module', 'delete_module'], always: true, what: 'loads kernel modules' },
  { cap: 'SYS_PACCT', syscalls: ['acct'], always: true, what: 'switches process accounting' },
  { cap: 'SYS_RAWIO', syscalls: ['iopl', 'ioperm'], always: true, what: 'accesses I/O ports' },
  { cap: 'SYS_TIME', syscalls: ['settimeofday', 'clock_settime', 'clock_adjtime', 'adjtimex'], always: false, what: 'sets the clock' },
  { cap: 'SYS_TTY_CONFIG', syscalls: ['vhangup'], always: true, what: 'hangs up terminals' },
  { cap: 'SYSLOG', syscalls: ['syslog'], always: false, what: 'reads the kernel log' },
  { cap: 'BPF', syscalls: ['bpf'], always: false, what: 'loads BPF programs' },
  { cap: 'PERFMON', syscalls: ['perf_event_open'], always: false, what: 'opens performance counters' },
  { cap: 'IPC_LOCK', syscalls: ['mlock', 'mlock2', 'mlockall'], always: false, what: 'locks memory (beyond RLIMIT_MEMLOCK needs IPC_LOCK)' },
  { cap: 'SYS_NICE', syscalls: ['sched_setscheduler', 'sched_setattr', 'sched_setparam', 'mbind', 'set_mempolicy', 'migrate_pages', 'move_pages', 'ioprio_set'], always: false, what: 'raises scheduling or memory priorities' },
  { cap: 'KILL', syscalls: ['kill', 'tkill', 'tgkill', 'pidfd_send_signal', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo'], always: false, what: 'signals processes (of other users needs KILL)' },
];

export interface CapabilityNeed {
  cap: string;
  /** `observed`: what was seen needs it whatever the arguments; `inferred`: it needs it for some arguments. */
  confidence: 'observed' | 'inferred';
  because: string;
}

export interface CapabilityInput {
  /** Syscall names the workload's own processes made. */
  workloadSyscalls: ReadonlySet<string>;
  sockets: SocketFacts;
  /** Every uid the copy's processes had. */
  uids: ReadonlySet<number>;
  spec: ContainerSpec;
  /** The engine sets net.ipv4.ip_unprivileged_port_start=0 in container network namespaces (Docker 20.10+). */
  unprivilegedPorts: boolean;
}

export interface CapabilityInference {
  needs: CapabilityNeed[];
  /** Syscalls seen that would need a capability the original did not have (so, for the arguments used, it was not needed). */
  notHeld: string[];
}

/** What the original container had: Docker's default set, plus CapAdd, minus CapDrop (`ALL` on either side). */
export function effectiveCaps(spec: ContainerSpec): Set<string> {
  const caps = new Set(spec.privileged || spec.capAdd.includes('ALL') ? ALL_CAPS : DOCKER_DEFAULT_CAPS);
  for (const c of spec.capAdd) if (c !== 'ALL') caps.add(c);
  if (spec.capDrop.includes('ALL')) caps.clear();
  for (const c of spec.capDrop) caps.delete(c);
  if (spec.capDrop.includes('ALL')) for (const c of spec.capAdd) if (c !== 'ALL') caps.add(c);
  return caps;
}

export function inferCapabilities(i: CapabilityInput): CapabilityInference {
  const held = effectiveCaps(i.spec);
  const found = new Map<string, CapabilityNeed>();
  const notHeld: string[] = [];
  const add = (need: CapabilityNeed): void => {
    if (!held.has(need.cap)) {
      notHeld.push(`${need.cap} (${need.because})`);
      return;
    }
    const prev = found.get(need.cap);
    if (!prev || (prev.confidence === 'inferred' && need.confidence === 'observed')) found.set(need.cap, need);
  };
  const severalUsers = i.uids.size > 1;
  for (const row of SYSCALL_CAPS) {
    const seen = row.syscalls.filter((s) => i.workloadSyscalls.has(s));
    if (seen.length === 0) continue;
    // Signalling its own processes needs nothing; only one uid means there was nobody else's to signal.
    if (row.cap === 'KILL' && !severalUsers) continue;
    add({ cap: row.cap, confidence: row.always ? 'observed' : 'inferred', because: `the workload ${row.what}: ${seen.join(', ')}` });
  }
  if (i.uids.size > 1 && !found.has('SETUID')) add({ cap: 'SETUID', confidence: 'observed', because: `its processes ran as uids ${[...i.uids].sort((a, b) => a - b).join(', ')}` });
  const lowPorts = [...i.sockets.bound].filter((p) => Number(p.split('/')[0]) < 1024);
  if (lowPorts.length > 0 && !i.unprivilegedPorts) add({ cap: 'NET_BIND_SERVICE', confidence: 'observed', because: `it listens on ${lowPorts.join(', ')}` });
  if (i.sockets.raw || i.sockets.packet) add({ cap: 'NET_RAW', confidence: 'observed', because: `it opened ${i.sockets.raw ? 'raw' : 'packet'} sockets` });
  if (i.sockets.audit) add({ cap: 'AUDIT_WRITE', confidence: 'observed', because: 'it opened a netlink audit socket' });
  return { needs: [...found.values()].sort((a, b) => a.cap.localeCompare(b.cap)), notHeld };
}
