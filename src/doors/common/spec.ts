import type { ContainerSpec } from '../../models/container-spec.ts';
import type { Location } from '../../models/location.ts';

/**
 * Something a door read but could not turn into a fact with certainty (a `$VAR` it left
 * literal, an `--env-file` it did not open, an unknown compose key): the spec is still
 * complete for what it does say, and the warning says what it does not.
 */
export interface DoorWarning {
  message: string;
  at?: Location;
}

/**
 * A spec with nothing set: what the engine gives a container when the door says nothing.
 * Doors start from it and fill in what they read, so `where` lists exactly the fields
 * the source set.
 */
export function blankSpec(door: ContainerSpec['door'], id: string, name: string): ContainerSpec {
  return {
    id,
    name,
    door,
    image: '',
    privileged: false,
    capAdd: [],
    capDrop: [],
    security: { selinuxLabels: [], selinuxDisabled: false, noNewPrivileges: false, raw: [] },
    namespaces: {},
    mounts: [],
    devices: [],
    deviceCgroupRules: [],
    ports: [],
    publishAllPorts: false,
    networks: [],
    resources: { ulimits: [] },
    readOnlyRootfs: false,
    restartPolicy: { name: '', maxRetries: 0 },
    env: [],
    labels: {},
    where: {},
  };
}
