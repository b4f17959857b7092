import type { ContainerField, ContainerSpec } from '../../models/container-spec.ts';
import type { Location } from '../../models/location.ts';

/** The spec fields a finding can point at, i.e. every field a door may set. */
export const LOCATED_FIELDS: readonly ContainerField[] = [
  'image', 'user', 'privileged', 'capAdd', 'capDrop', 'security', 'security.seccomp', 'security.apparmor', 'security.selinuxLabels',
  'security.selinuxDisabled', 'security.noNewPrivileges', 'namespaces.pid', 'namespaces.ipc', 'namespaces.uts', 'namespaces.network',
  'namespaces.userns', 'namespaces.cgroupns', 'mounts', 'devices', 'deviceCgroupRules', 'ports', 'publishAllPorts', 'networks',
  'resources.memory', 'resources.memorySwap', 'resources.cpuShares', 'resources.nanoCpus', 'resources.cpuQuota', 'resources.cpusetCpus',
  'resources.pidsLimit', 'resources.ulimits', 'readOnlyRootfs', 'restartPolicy', 'healthcheck', 'cgroupParent', 'env', 'labels', 'sysctls',
];

/**
 * Doors that read a source written by a person (compose, run lines) point every field a
 * finding may name somewhere: fields the source set at the text that set them (already in
 * `where`), the rest at the place the container is declared (the service key, the `docker`
 * word), since "no memory limit" is fixed there.
 */
export function locateUnset(spec: ContainerSpec, declaredAt: Location): void {
  for (const f of LOCATED_FIELDS) spec.where[f] ??= declaredAt;
}
