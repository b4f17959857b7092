import { containerRule, type Issue } from '../../../models/rule.ts';
import { openedSystemPaths } from './support/system-paths.ts';

export default containerRule({
  meta: {
    id: 'container-systempaths-unconfined',
    target: 'container',
    title: "Container's /proc and /sys paths are not masked or read-only",
    severity: 'high',
    rationale:
      "dockerd masks parts of /proc and /sys (kcore, keys, timer_list, /sys/firmware...) and mounts /proc/sys, /proc/sysrq-trigger, /proc/irq, /proc/bus and /proc/fs read-only in every container that is not privileged. `--security-opt systempaths=unconfined` (the API's `MaskedPaths: []`, `ReadonlyPaths: []`) or a shorter list removes that: root in the container can then write /proc/sys/kernel/core_pattern, which the host kernel runs as root on the next crash, and /proc/sysrq-trigger (reboot, crash). A list left out or null means the defaults; an empty list means none. moat.yaml `enforce.allow.systempaths: allow` accepts it on a host that needs it.",
    remediation: 'Remove `--security-opt systempaths=unconfined` (compose: `security_opt: [systempaths=unconfined]`) and any `MaskedPaths`/`ReadonlyPaths` sent by hand; if a workload needs a kernel setting, set it with `--sysctl` (namespaced ones only).',
    cwe: ['CWE-668', 'CWE-250'],
  },
  check({ container, allow }) {
    // Privileged containers get neither list (reported by container-privileged).
    if (container.privileged || allow?.systemPaths) return [];
    const { writable, hostWrites, unmasked } = openedSystemPaths(container.systemPaths);
    const out: Issue[] = [];
    if (writable.length) {
      out.push({
        message: `${writable.join(', ')} ${writable.length > 1 ? 'are' : 'is'} writable in the container${hostWrites.length ? ` (${hostWrites.includes('/proc/sys') ? 'kernel.core_pattern runs a program as root on the host' : 'sysrq-trigger reboots or crashes the host'})` : ''}`,
        at: container.where.systemPaths,
        evidence: `ReadonlyPaths without ${writable.join(', ')}`,
        severity: hostWrites.length ? 'high' : 'medium',
      });
    }
    if (unmasked.length) {
      out.push({ message: `${unmasked.join(', ')} ${unmasked.length > 1 ? 'are' : 'is'} not masked (host kernel memory, keys and timers readable)`, at: container.where.systemPaths, evidence: `MaskedPaths without ${unmasked.join(', ')}`, severity: 'medium' });
    }
    return out;
  },
});
