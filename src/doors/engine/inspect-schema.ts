import * as v from 'valibot';
import { EngineError } from './errors.ts';

/**
 * The parts of `GET /containers/{id}/json` Moat reads, validated at the edge.
 * Engines send `null` for empty lists and omit fields older API versions lack,
 * so nearly everything is nullish.
 */
const str = v.nullish(v.string());
const num = v.nullish(v.number());
const bool = v.nullish(v.boolean());
const strList = v.nullish(v.array(v.string()));

const portBindings = v.nullish(v.record(v.string(), v.nullish(v.array(v.object({ HostIp: str, HostPort: str })))));

export const ContainerInspectSchema = v.object({
  Id: v.string(),
  Name: str,
  Image: str,
  State: v.nullish(
    v.object({
      Status: str,
      Running: bool,
      Pid: num,
      StartedAt: str,
    }),
  ),
  RestartCount: num,
  ExecIDs: strList,
  AppArmorProfile: str,
  Config: v.nullish(
    v.object({
      User: str,
      Image: str,
      Env: strList,
      Labels: v.nullish(v.record(v.string(), v.string())),
      Healthcheck: v.nullish(v.object({ Test: strList })),
      ExposedPorts: v.nullish(v.record(v.string(), v.unknown())),
    }),
  ),
  HostConfig: v.nullish(
    v.object({
      Privileged: bool,
      CapAdd: strList,
      CapDrop: strList,
      SecurityOpt: strList,
      PidMode: str,
      IpcMode: str,
      UTSMode: str,
      NetworkMode: str,
      UsernsMode: str,
      CgroupnsMode: str,
      Binds: strList,
      PortBindings: portBindings,
      PublishAllPorts: bool,
      Devices: v.nullish(v.array(v.object({ PathOnHost: str, PathInContainer: str, CgroupPermissions: str }))),
      DeviceCgroupRules: strList,
      Memory: num,
      MemorySwap: num,
      CpuShares: num,
      NanoCpus: num,
      CpuQuota: num,
      CpusetCpus: str,
      PidsLimit: num,
      Ulimits: v.nullish(v.array(v.object({ Name: v.string(), Soft: v.number(), Hard: v.number() }))),
      ReadonlyRootfs: bool,
      RestartPolicy: v.nullish(v.object({ Name: str, MaximumRetryCount: num })),
      CgroupParent: str,
      Tmpfs: v.nullish(v.record(v.string(), v.string())),
      Sysctls: v.nullish(v.record(v.string(), v.string())),
      MaskedPaths: strList,
      ReadonlyPaths: strList,
      // The mounts as requested: a volume's driver options (`--mount type=volume,volume-opt=...`) are kept only here.
      Mounts: v.nullish(
        v.array(
          v.object({
            Type: str,
            Source: str,
            Target: str,
            VolumeOptions: v.nullish(v.object({ DriverConfig: v.nullish(v.object({ Name: str, Options: v.nullish(v.record(v.string(), v.string())) })) })),
          }),
        ),
      ),
    }),
  ),
  Mounts: v.nullish(
    v.array(
      v.object({
        Type: str,
        Name: str,
        Source: str,
        Destination: v.string(),
        Driver: str,
        RW: bool,
        Propagation: str,
      }),
    ),
  ),
  NetworkSettings: v.nullish(
    v.object({
      Ports: portBindings,
      Networks: v.nullish(v.record(v.string(), v.unknown())),
    }),
  ),
});

export type ContainerInspect = v.InferOutput<typeof ContainerInspectSchema>;

export const ContainerSummarySchema = v.array(v.object({ Id: v.string(), Names: strList, State: str, ImageID: str }));
/** `GET /images/json`: ids only (section 6 counts images no container uses). */
export const ImageSummarySchema = v.array(v.object({ Id: v.string() }));

export const ImageInspectSchema = v.object({
  Id: v.string(),
  RepoTags: strList,
  RepoDigests: strList,
  Created: str,
  Config: v.nullish(
    v.object({
      User: str,
      Env: strList,
      Entrypoint: strList,
      Cmd: strList,
      ExposedPorts: v.nullish(v.record(v.string(), v.unknown())),
      Healthcheck: v.nullish(v.object({ Test: strList })),
      Labels: v.nullish(v.record(v.string(), v.string())),
    }),
  ),
});

export type ImageInspect = v.InferOutput<typeof ImageInspectSchema>;

/** `GET /images/{id}/history`: newest step first. */
export const HistorySchema = v.array(v.object({ Created: num, CreatedBy: str, Size: num }));

export const TopSchema = v.object({ Titles: strList, Processes: v.nullish(v.array(v.array(v.string()))) });

export const ExecInspectSchema = v.object({
  ID: v.string(),
  ContainerID: str,
  Running: bool,
  ProcessConfig: v.nullish(v.object({ user: str, privileged: bool, entrypoint: str, arguments: strList })),
});

/** `GET /volumes/{name}`: the driver and its options (a `local` volume's options are the mount it makes). */
export const VolumeInspectSchema = v.object({
  Name: v.string(),
  Driver: str,
  Mountpoint: str,
  Options: v.nullish(v.record(v.string(), v.string())),
});

export type VolumeInspect = v.InferOutput<typeof VolumeInspectSchema>;

const pluginMount = v.object({ Name: str, Source: str, Destination: str, Type: str, Options: strList });
const pluginDevice = v.object({ Name: str, Path: str });

/** `GET /plugins/{name}/json`: the privileges a plugin runs with are in its config (and settings, after `docker plugin set`). */
export const PluginInspectSchema = v.object({
  Id: str,
  Name: v.string(),
  Enabled: bool,
  PluginReference: str,
  Settings: v.nullish(v.object({ Mounts: v.nullish(v.array(pluginMount)), Devices: v.nullish(v.array(pluginDevice)), Env: strList, Args: strList })),
  Config: v.nullish(
    v.object({
      Entrypoint: strList,
      User: v.nullish(v.object({ UID: num, GID: num })),
      Network: v.nullish(v.object({ Type: str })),
      Linux: v.nullish(v.object({ Capabilities: strList, AllowAllDevices: bool, Devices: v.nullish(v.array(pluginDevice)) })),
      PropagatedMount: str,
      IpcHost: bool,
      PidHost: bool,
      Mounts: v.nullish(v.array(pluginMount)),
      Env: v.nullish(v.array(v.object({ Name: str, Value: str }))),
    }),
  ),
});

export type PluginInspect = v.InferOutput<typeof PluginInspectSchema>;

/** Parses engine output; a mismatch is a protocol error naming the first offending path. */
export function parseEngine<S extends v.GenericSchema>(schema: S, data: unknown, what: string): v.InferOutput<S> {
  const r = v.safeParse(schema, data);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  throw new EngineError('protocol', `unexpected engine answer for ${what}${path ? ` at ${path}` : ''}: ${issue.message}`);
}
