import type { ContainerSpec } from '../../../../models/container-spec.ts';
import type { Severity } from '../../../../models/finding.ts';

/** The capabilities Docker (moby `oci/caps/defaults.go`) gives a container unless told otherwise. */
export const DOCKER_DEFAULT_CAPS: ReadonlySet<string> = new Set([
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
]);

/** Every capability of Linux 6.x, which `--cap-add ALL` grants. */
export const ALL_CAPS: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE', 'NET_BIND_SERVICE',
  'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN',
  'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE',
  'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
];

/**
 * The capability set the engine gives the container's root user, as moby's
 * `caps.TweakCapabilities` computes it: `--cap-add ALL` grants everything not dropped;
 * `--cap-drop ALL` leaves exactly what is added; otherwise the defaults minus the drops
 * plus the adds (an add wins over a drop of the same name). Privileged containers get
 * every capability whatever was asked.
 */
export function effectiveCapabilities(c: Pick<ContainerSpec, 'privileged' | 'capAdd' | 'capDrop'>): Set<string> {
  if (c.privileged) return new Set(ALL_CAPS);
  const add = new Set(c.capAdd);
  const drop = new Set(c.capDrop);
  if (add.has('ALL')) return new Set(ALL_CAPS.filter((x) => !drop.has(x)));
  if (drop.has('ALL')) return add;
  return new Set([...[...DOCKER_DEFAULT_CAPS].filter((x) => !drop.has(x)), ...add]);
}

export interface CapabilityRisk {
  severity: Severity;
  /** What the capability lets root in the container do, in a phrase. */
  allows: string;
}

/**
 * Capabilities that widen what root in a container can do to the host or its neighbours,
 * rated by the worst documented use: a direct route to host root is critical, host-wide
 * effects or known escape ingredients are high, effects on the host's shared state are
 * medium, nuisances are low.
 */
export const CAPABILITY_RISKS: Readonly<Record<string, CapabilityRisk>> = {
  ALL: { severity: 'critical', allows: 'every capability: as much as --privileged short of devices and confinement' },
  SYS_ADMIN: { severity: 'critical', allows: 'mount file systems, create namespaces, set cgroup release agents: the usual container escape' },
  SYS_MODULE: { severity: 'critical', allows: 'load kernel modules: code in the host kernel' },
  DAC_READ_SEARCH: { severity: 'high', allows: "open host files by handle (open_by_handle_at, the 'shocker' escape): read any file on the host's file systems" },
  SYS_PTRACE: { severity: 'high', allows: 'trace and inject code into other processes (any host process with --pid host)' },
  SYS_RAWIO: { severity: 'high', allows: 'raw I/O ports and /dev/mem, /dev/kmem with such a device: read and write host memory' },
  BPF: { severity: 'high', allows: 'load eBPF programs and maps: read kernel memory, hide or tamper with host traffic' },
  MAC_ADMIN: { severity: 'high', allows: 'change AppArmor or SELinux policy: switch off the confinement of every container' },
  MAC_OVERRIDE: { severity: 'high', allows: 'override mandatory access control (AppArmor, SELinux, Smack) decisions' },
  SYS_BOOT: { severity: 'high', allows: 'load a new kernel (kexec_load) or reboot the host' },
  NET_ADMIN: { severity: 'medium', allows: "configure interfaces, routes and firewall rules: the host's own with --network host, sniff and redirect traffic" },
  PERFMON: { severity: 'medium', allows: 'use perf events system-wide: observe other processes and kernel addresses (side channels)' },
  SYS_TIME: { severity: 'medium', allows: "set the host's clock, which is not namespaced: break TLS validity, logs and token expiry host-wide" },
  SYSLOG: { severity: 'medium', allows: 'read and clear the kernel log, which leaks kernel addresses used by exploits' },
  CHECKPOINT_RESTORE: { severity: 'medium', allows: 'checkpoint and restore processes, and choose PIDs' },
  AUDIT_CONTROL: { severity: 'medium', allows: "change the kernel audit rules: hide actions from the host's audit trail" },
  IPC_OWNER: { severity: 'medium', allows: 'bypass permission checks on System V IPC objects' },
  LINUX_IMMUTABLE: { severity: 'medium', allows: 'set and clear immutable and append-only flags on files' },
  SYS_RESOURCE: { severity: 'medium', allows: 'exceed resource limits and quotas, including reserved disk space' },
  SETPCAP: { severity: 'low', allows: 'change the capability sets of its own processes within the bounding set' },
  SYS_NICE: { severity: 'low', allows: 'raise scheduling priority and set real-time policies: starve other containers of CPU' },
  NET_RAW: { severity: 'low', allows: 'raw and packet sockets: spoof ARP and DNS on a shared bridge, craft any packet' },
  SYS_PACCT: { severity: 'low', allows: 'turn process accounting on or off' },
  SYS_TTY_CONFIG: { severity: 'low', allows: 'configure host terminals (vhangup)' },
  IPC_LOCK: { severity: 'low', allows: 'lock memory: pin host RAM' },
  WAKE_ALARM: { severity: 'low', allows: 'set alarms that wake the host from suspend' },
  BLOCK_SUSPEND: { severity: 'low', allows: 'block host suspend' },
  LEASE: { severity: 'low', allows: 'take leases on files it does not own' },
  NET_BROADCAST: { severity: 'low', allows: 'broadcast and listen to multicast' },
};
