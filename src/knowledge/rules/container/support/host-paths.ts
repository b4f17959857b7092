import { within } from '../../../../util/path-within.ts';

/**
 * Host paths that must not be bind-mounted into containers, what each exposes, and
 * whether writing to it lets root in the container run code as root on the host.
 */
export interface SensitivePath {
  path: string;
  exposes: string;
  /** Writing here (as host uid 0) leads to code running as root on the host. */
  rootWrite: boolean;
}

export const SENSITIVE_PATHS: readonly SensitivePath[] = [
  { path: '/', exposes: "the host's whole file system", rootWrite: true },
  { path: '/boot', exposes: 'the kernel and boot loader', rootWrite: true },
  { path: '/dev', exposes: "the host's device nodes", rootWrite: false },
  { path: '/etc', exposes: 'host configuration, accounts and credentials (shadow, sudoers, cron, systemd units)', rootWrite: true },
  { path: '/bin', exposes: 'programs root runs', rootWrite: true },
  { path: '/sbin', exposes: 'programs root runs', rootWrite: true },
  { path: '/lib', exposes: 'libraries and systemd units root loads', rootWrite: true },
  { path: '/lib32', exposes: 'libraries root loads', rootWrite: true },
  { path: '/lib64', exposes: 'libraries root loads', rootWrite: true },
  { path: '/libx32', exposes: 'libraries root loads', rootWrite: true },
  { path: '/usr', exposes: 'programs and libraries root runs', rootWrite: true },
  { path: '/proc', exposes: "the host's processes and kernel settings (core_pattern runs a program as root)", rootWrite: true },
  { path: '/sys', exposes: "the host's kernel objects and cgroups (release_agent, uevent_helper run programs as root)", rootWrite: true },
  { path: '/root', exposes: "root's home (SSH keys, shell start-up files)", rootWrite: true },
  { path: '/home', exposes: "users' homes (SSH keys, shell start-up files)", rootWrite: false },
  { path: '/run', exposes: 'runtime sockets of the host (systemd, D-Bus, the container engines)', rootWrite: true },
  { path: '/var/run', exposes: 'runtime sockets of the host (systemd, D-Bus, the container engines)', rootWrite: true },
  { path: '/var/spool/cron', exposes: 'crontabs run as their owners, root included', rootWrite: true },
  { path: '/var/lib/docker', exposes: "the engine's state: every container's configuration and file system", rootWrite: true },
  { path: '/var/lib/containerd', exposes: "containerd's state and snapshots", rootWrite: true },
  { path: '/var/lib/kubelet', exposes: "the kubelet's state, pod volumes and credentials", rootWrite: true },
  { path: '/var/log', exposes: 'host logs (read: what others log; write: tamper with the record)', rootWrite: false },
];

/**
 * Host files commonly shared read-only for good reasons (time zone, CA certificates) and
 * the journal's socket: mounting these is not what the benchmark warns about.
 */
const BENIGN_READ_ONLY = ['/etc/localtime', '/etc/timezone', '/usr/share/zoneinfo', '/etc/ssl/certs', '/etc/pki/ca-trust', '/etc/pki/tls/certs', '/etc/ca-certificates'];
const BENIGN = ['/dev/log', '/run/systemd/journal/socket'];

export function normalizeHostPath(p: string): string {
  const s = p.replace(/\/+/g, '/').replace(/\/$/, '');
  return s === '' ? '/' : s;
}


export function isBenignMount(source: string, readOnly: boolean): boolean {
  const p = normalizeHostPath(source);
  return BENIGN.some((b) => within(p, b)) || (readOnly && BENIGN_READ_ONLY.some((b) => within(p, b)));
}

/**
 * The sensitive paths a bind source exposes: the one it lies in (`/etc/ssh` → /etc), or
 * the ones it contains (`/var` → /var/lib/docker, /var/log...). `/` counts only for itself.
 */
export function sensitiveMatches(source: string): SensitivePath[] {
  const p = normalizeHostPath(source);
  if (p === '/') return SENSITIVE_PATHS.filter((s) => s.path === '/');
  return SENSITIVE_PATHS.filter((s) => s.path !== '/' && (within(p, s.path) || within(s.path, p)));
}
