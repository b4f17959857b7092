/**
 * The parts of the `POST /containers/create` body that reach a ContainerSpec, as dockerd
 * 20.10 types them (moby api/types/container, runconfig.ContainerConfigWrapper). Fields
 * Moat does not model are not listed: Go skips unknown keys, and so does the decoder.
 */
import { go, type GoType } from '../../util/go-json.ts';

const mount = go.struct({
  Type: go.string,
  Source: go.string,
  Target: go.string,
  ReadOnly: go.bool,
  BindOptions: go.ptr(go.struct({ Propagation: go.string })),
  // A volume's driver and options: the `local` driver mounts what they say (models/local-volume.ts).
  VolumeOptions: go.ptr(go.struct({ DriverConfig: go.ptr(go.struct({ Name: go.string, Options: go.map(go.string) })) })),
});

const hostConfigFields: Record<string, GoType> = {
  Binds: go.slice(go.string),
  NetworkMode: go.string,
  PortBindings: go.map(go.slice(go.struct({ HostIp: go.string, HostPort: go.string }))),
  RestartPolicy: go.struct({ Name: go.string, MaximumRetryCount: go.int }),
  CapAdd: go.strslice,
  CapDrop: go.strslice,
  CgroupnsMode: go.string,
  IpcMode: go.string,
  PidMode: go.string,
  Privileged: go.bool,
  PublishAllPorts: go.bool,
  ReadonlyRootfs: go.bool,
  SecurityOpt: go.slice(go.string),
  Tmpfs: go.map(go.string),
  UTSMode: go.string,
  UsernsMode: go.string,
  Sysctls: go.map(go.string),
  Mounts: go.slice(mount),
  // Resources, embedded in HostConfig (so its fields sit directly in HostConfig).
  CpuShares: go.int,
  Memory: go.int,
  NanoCpus: go.int,
  CgroupParent: go.string,
  CpuQuota: go.int,
  CpusetCpus: go.string,
  Devices: go.slice(go.struct({ PathOnHost: go.string, PathInContainer: go.string, CgroupPermissions: go.string })),
  DeviceCgroupRules: go.slice(go.string),
  MemorySwap: go.int,
  PidsLimit: go.ptr(go.int),
  Ulimits: go.slice(go.ptr(go.struct({ Name: go.string, Hard: go.int, Soft: go.int }))),
  VolumeDriver: go.string,
  // nil (absent or null) = dockerd's defaults; [] = nothing masked / read-only (systempaths=unconfined).
  MaskedPaths: go.slice(go.string),
  ReadonlyPaths: go.slice(go.string),
};

export const hostConfigType = go.struct(hostConfigFields);

const configFields: Record<string, GoType> = {
  User: go.string,
  Env: go.slice(go.string),
  Healthcheck: go.ptr(go.struct({ Test: go.slice(go.string) })),
  Image: go.string,
  Volumes: go.map(go.skip),
  Labels: go.map(go.string),
};

/**
 * The wrapper embeds `*container.Config` and, for old clients, `*container.HostConfig`
 * too, so HostConfig fields are also read at the top level of the body (dockerd uses them
 * when `HostConfig` is absent, and a few resource fields even when it is present).
 */
export const createBodyType = go.struct({
  ...configFields,
  ...hostConfigFields,
  HostConfig: go.ptr(hostConfigType),
  Cpuset: go.string,
  NetworkingConfig: go.ptr(go.struct({ EndpointsConfig: go.map(go.ptr(go.struct({}))) })),
});

/** The top-level resource fields dockerd copies into `HostConfig` when it left them unset (ContainerConfigWrapper.getHostConfig). */
export const LEGACY_TOP_LEVEL = ['Memory', 'MemorySwap', 'CpuShares', 'CpusetCpus', 'VolumeDriver'] as const;
