/**
 * Whether the daemon can enforce a resource limit at all. An engine without the cgroup
 * controller for a limit accepts the limit in HostConfig and ignores it (its /info says
 * so: MemoryLimit, PidsLimit, CPUShares, CpuCfsQuota false). That is the normal state of
 * a rootless daemon on a cgroup v1 host (CgroupDriver "none"), and of one on cgroup v2
 * whose user was not delegated the controllers.
 */
import type { DaemonSpec, EngineInfo } from '../../../../models/daemon-spec.ts';

export type Limit = keyof NonNullable<EngineInfo['limits']>;

const FIELD: Record<Limit, string> = { memory: 'MemoryLimit', pids: 'PidsLimit', cpuShares: 'CPUShares', cpuQuota: 'CpuCfsQuota' };
const CONTROLLER: Record<Limit, string> = { memory: 'memory', pids: 'pids', cpuShares: 'cpu', cpuQuota: 'cpu' };

/** Why `limit` is not enforced by this daemon, or undefined when it is (or the engine did not say). */
export function unenforcedLimit(daemon: DaemonSpec | undefined, limit: Limit): string | undefined {
  if (!daemon?.info.limits || daemon.info.limits[limit]) return undefined;
  const controller = CONTROLLER[limit];
  if (daemon.rootless) {
    if (daemon.info.cgroupVersion !== '2' || daemon.info.cgroupDriver === 'none') {
      return `this rootless daemon runs without cgroups (cgroup v${daemon.info.cgroupVersion || '1'} host, CgroupDriver ${daemon.info.cgroupDriver || 'none'}), so the engine accepts limits and ignores them; rootless limits need cgroup v2 (boot with systemd.unified_cgroup_hierarchy=1) with the ${controller} controller delegated to the daemon's user (Delegate= in user@.service)`;
    }
    return `the ${controller} cgroup controller is not delegated to the rootless daemon's user, so the engine accepts this limit and ignores it; add ${controller} to Delegate= in user@.service (\`systemctl edit user@.service\`) and restart the user's daemon`;
  }
  return `the daemon reports no ${controller} cgroup support (/info ${FIELD[limit]}: false), so the engine accepts this limit and ignores it; enable the ${controller} controller in the kernel`;
}

/** `/info MemoryLimit: false`, for evidence. */
export function limitEvidence(limit: Limit): string {
  return `/info ${FIELD[limit]}: false`;
}
