import type { SystemPaths } from '../../../../models/container-spec.ts';

/** dockerd 20.10's defaults (oci.DefaultSpec), applied when a list is absent or null and the container is not privileged. */
export const DEFAULT_MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
/** Written as root, these act on the host kernel: core_pattern runs a program as host root; sysrq-trigger reboots or crashes it. */
const HOST_WRITES = ['/proc/sys', '/proc/sysrq-trigger'];

const covered = (p: string, list: readonly string[]): boolean => list.some((l) => p === l || p.startsWith(`${l.replace(/\/+$/, '')}/`));

/** Paths the defaults keep read-only or masked that this container leaves open (empty when the defaults apply). */
export function openedSystemPaths(sp: SystemPaths | undefined): { writable: string[]; hostWrites: string[]; unmasked: string[] } {
  const writable = sp?.readonly ? DEFAULT_READONLY_PATHS.filter((p) => !covered(p, sp.readonly as string[]) && !covered(p, sp.masked ?? DEFAULT_MASKED_PATHS)) : [];
  const unmasked = sp?.masked ? DEFAULT_MASKED_PATHS.filter((p) => !covered(p, sp.masked as string[])) : [];
  return { writable, hostWrites: writable.filter((p) => HOST_WRITES.includes(p)), unmasked };
}
