/**
 * What the host's mandatory access control (AppArmor, SELinux) and cgroup version do
 * for a container, joined from the container, daemon and host facts. `undefined`
 * means the facts are not known at this door (lint: no daemon, no host).
 */
import type { Location } from '../../../../models/location.ts';
import { hasSecurityOption } from '../../daemon/support/options.ts';
import type { ContainerFacts } from '../../../../models/rule.ts';

export type Facts = Pick<ContainerFacts, 'container' | 'daemon' | 'host'>;

/** The engine reports `apparmor` in /info SecurityOptions exactly when it applies profiles. */
export function apparmorOnHost({ daemon, host }: Facts): boolean | undefined {
  if (daemon) return hasSecurityOption(daemon, 'apparmor');
  return host?.kernel.apparmorEnabled;
}

export function explicitSecurityOpt(f: Facts, key: string, value: string): boolean {
  const re = new RegExp(`^${key}[=:]${value}$`, 'i');
  return f.container.security.raw.some((o) => re.test(o.trim()));
}

export interface Confinement {
  confined: boolean | undefined;
  /** Why, in a phrase. */
  why: string;
  /** Where that was read, when it is not the container's own setting. */
  at?: Location;
}

/** Where the engine says which security features it applies. */
const SECURITY_OPTIONS_AT: Location = { path: '/info.SecurityOptions' };

/** Whether an AppArmor profile confines the container; a phrase saying why when it does not. */
export function apparmorConfinement(f: Facts): Confinement {
  const on = apparmorOnHost(f);
  if (on === false) return { confined: false, why: 'AppArmor is not enabled on this host', at: f.daemon ? SECURITY_OPTIONS_AT : { file: '/sys/module/apparmor/parameters/enabled' } };
  const c = f.container;
  const p = c.security.apparmor;
  if (p?.toLowerCase() === 'unconfined') return { confined: false, why: c.privileged && !explicitSecurityOpt(f, 'apparmor', 'unconfined') ? 'privileged: no AppArmor profile' : 'apparmor=unconfined' };
  if (c.privileged) return { confined: false, why: 'privileged: no AppArmor profile' };
  if (on === undefined) return { confined: undefined, why: `AppArmor profile ${p ?? 'docker-default'} applies only where the host has AppArmor` };
  return { confined: true, why: `AppArmor profile ${p ?? 'docker-default'}` };
}

/** SELinux types that do not confine a container. */
export const UNCONFINED_SELINUX_TYPES = new Set(['spc_t', 'unconfined_t']);

export function selinuxOnHost({ host }: Facts): boolean | undefined {
  return host?.kernel.selinuxEnabled;
}

/** The daemon labels containers only when started with --selinux-enabled (then /info lists selinux). */
export function selinuxLabelling({ daemon }: Facts): boolean | undefined {
  return daemon ? hasSecurityOption(daemon, 'selinux') : undefined;
}

/**
 * The engine adds label=disable to containers that share the host's PID or IPC namespace
 * (moby daemon/create.go), so inspect shows it though nobody asked: whichever door, the
 * namespace is the cause, and its own rule reports it.
 */
export function hostNamespaceDisablingLabels(c: Facts['container']): string | undefined {
  if (c.namespaces.pid === 'host') return 'host PID namespace';
  if (c.namespaces.ipc === 'host') return 'host IPC namespace';
  return undefined;
}

export function unconfinedSelinuxType(f: Facts): string | undefined {
  for (const l of f.container.security.selinuxLabels) {
    const m = /^type:(.+)$/.exec(l.trim());
    if (m?.[1] && UNCONFINED_SELINUX_TYPES.has(m[1])) return m[1];
  }
  return undefined;
}

export function selinuxConfinement(f: Facts): Confinement {
  const on = selinuxOnHost(f);
  if (on === false) return { confined: false, why: 'SELinux is not enabled on this host', at: { file: '/sys/fs/selinux' } };
  const labelling = selinuxLabelling(f);
  if (labelling === false) return { confined: false, why: 'dockerd does not label containers (selinux-enabled is off)', at: SECURITY_OPTIONS_AT };
  if (f.container.privileged) return { confined: false, why: 'privileged: SELinux labelling is off' };
  const ns = hostNamespaceDisablingLabels(f.container);
  if (ns) return { confined: false, why: `${ns}: the engine switches SELinux labelling off` };
  if (f.container.security.selinuxDisabled) return { confined: false, why: 'label=disable' };
  const t = unconfinedSelinuxType(f);
  if (t) return { confined: false, why: `label=type:${t} (an unconfined type)` };
  if (on === undefined || labelling === undefined) return { confined: undefined, why: 'SELinux confinement depends on the host' };
  return { confined: true, why: 'SELinux labels' };
}

/** cgroup v1 still has `release_agent`, which runs a program as root on the host. */
export function cgroupV1({ daemon, host }: Facts): { v1: boolean | undefined; at: Location } {
  if (host) return { v1: host.kernel.cgroupVersion === 1, at: { file: '/sys/fs/cgroup' } };
  if (daemon?.info.cgroupVersion) return { v1: daemon.info.cgroupVersion === '1', at: { path: '/info.CgroupVersion' } };
  return { v1: undefined, at: { path: '/info.CgroupVersion' } };
}
