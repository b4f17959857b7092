/**
 * What a host's owner allows that the rules judging things by what they are would otherwise
 * flag (moat.yaml `enforce.allow`): the rules read it from the facts, so `enforce` and `audit`
 * under the same moat.yaml give the same verdict. Every path is compared after cleaning, and a
 * device is allowed only when every node it leads to on the host is allowed too (a link named
 * like an allowed device but pointing at a disk is not).
 */
export interface HostObjectPolicy {
  /** Local-volume mount types allowed (`nfs`, `cifs`...); tmpfs needs no entry, binds and overlays are judged as binds. */
  volumeTypes: string[];
  /** Devices a local volume may mount (`/dev/vdb1`, a dedicated data disk). */
  volumeDevices: string[];
  /** `--device` host paths allowed whatever they are. */
  devices: string[];
  /** `--device-cgroup-rule` values allowed, compared with single spaces (`c 188:* rwm`). */
  deviceCgroupRules: string[];
  /** `systempaths=unconfined` and shorter MaskedPaths/ReadonlyPaths allowed. */
  systemPaths: boolean;
}

export function emptyHostObjectPolicy(): HostObjectPolicy {
  return { volumeTypes: [], volumeDevices: [], devices: [], deviceCgroupRules: [], systemPaths: false };
}
