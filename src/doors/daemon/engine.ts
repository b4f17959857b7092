/**
 * `GET /version` and `GET /info`, validated at the edge and normalised into the
 * daemon model. Engines omit fields their API version lacks and send `null` for
 * empty lists, so almost everything is nullish and defaults are chosen here, once.
 */
import * as v from 'valibot';
import type { EngineInfo, EngineVersion } from '../../models/daemon-spec.ts';
import type { SwarmSpec } from '../../models/swarm-spec.ts';

const str = v.nullish(v.string());
const num = v.nullish(v.number());
const bool = v.nullish(v.boolean());
const strList = v.nullish(v.array(v.string()));

export const VersionSchema = v.object({
  Version: v.string(),
  ApiVersion: v.string(),
  MinAPIVersion: str,
  Os: str,
  Arch: str,
  KernelVersion: str,
  GoVersion: str,
  BuildTime: str,
  // Top-level `Experimental` is omitted when false; the Engine component carries it as a string.
  Experimental: bool,
  Components: v.nullish(v.array(v.object({ Name: str, Version: str, Details: v.nullish(v.record(v.string(), v.unknown())) }))),
});

export type VersionResponse = v.InferOutput<typeof VersionSchema>;

export const InfoSchema = v.object({
  ID: str,
  Name: str,
  Containers: num,
  ContainersRunning: num,
  Images: num,
  Driver: str,
  LoggingDriver: str,
  CgroupDriver: str,
  // API 1.40+; older engines only ran cgroup v1.
  CgroupVersion: str,
  DockerRootDir: str,
  SecurityOptions: strList,
  Plugins: v.nullish(v.object({ Authorization: strList })),
  RegistryConfig: v.nullish(
    v.object({
      InsecureRegistryCIDRs: strList,
      IndexConfigs: v.nullish(v.record(v.string(), v.nullish(v.object({ Name: str, Secure: bool })))),
    }),
  ),
  LiveRestoreEnabled: bool,
  ExperimentalBuild: bool,
  Swarm: v.nullish(
    v.object({
      LocalNodeState: str,
      NodeAddr: str,
      ControlAvailable: bool,
      Managers: v.nullish(v.number()),
      Nodes: v.nullish(v.number()),
      Cluster: v.nullish(
        v.object({
          Spec: v.nullish(
            v.object({
              EncryptionConfig: v.nullish(v.object({ AutoLockManagers: bool })),
              CAConfig: v.nullish(v.object({ NodeCertExpiry: v.nullish(v.number()) })),
            }),
          ),
          TLSInfo: v.nullish(v.object({ TrustRoot: str })),
        }),
      ),
    }),
  ),
  DefaultRuntime: str,
  OperatingSystem: str,
  KernelVersion: str,
  MemoryLimit: bool,
  PidsLimit: bool,
  CPUShares: bool,
  CpuCfsQuota: bool,
});

export type InfoResponse = v.InferOutput<typeof InfoSchema>;

export function versionFromApi(r: VersionResponse): EngineVersion {
  const engine = r.Components?.find((c) => c.Name === 'Engine');
  const componentExperimental = engine?.Details?.Experimental;
  return {
    engine: r.Version,
    apiVersion: r.ApiVersion,
    ...(r.MinAPIVersion ? { minApiVersion: r.MinAPIVersion } : {}),
    os: r.Os ?? '',
    arch: r.Arch ?? '',
    ...(r.KernelVersion ? { kernelVersion: r.KernelVersion } : {}),
    ...(r.GoVersion ? { goVersion: r.GoVersion } : {}),
    ...(r.BuildTime ? { buildTime: r.BuildTime } : {}),
    experimental: r.Experimental === true || componentExperimental === true || componentExperimental === 'true',
  };
}

export function infoFromApi(r: InfoResponse): EngineInfo {
  return {
    id: r.ID ?? '',
    name: r.Name ?? '',
    containers: r.Containers ?? 0,
    containersRunning: r.ContainersRunning ?? 0,
    images: r.Images ?? 0,
    storageDriver: r.Driver ?? '',
    loggingDriver: r.LoggingDriver ?? '',
    cgroupDriver: r.CgroupDriver ?? '',
    cgroupVersion: r.CgroupVersion ?? '1',
    dockerRootDir: r.DockerRootDir ?? '',
    securityOptions: (r.SecurityOptions ?? []).map(parseSecurityOption),
    authorizationPlugins: r.Plugins?.Authorization ?? [],
    insecureRegistries: insecureRegistriesOf(r),
    liveRestoreEnabled: r.LiveRestoreEnabled ?? false,
    experimentalBuild: r.ExperimentalBuild ?? false,
    swarmState: r.Swarm?.LocalNodeState ?? '',
    ...(swarmOf(r) ? { swarm: swarmOf(r) } : {}),
    defaultRuntime: r.DefaultRuntime ?? '',
    operatingSystem: r.OperatingSystem ?? '',
    kernelVersion: r.KernelVersion ?? '',
    ...(limitsOf(r) ? { limits: limitsOf(r) } : {}),
  };
}

/** Only an engine that reports all four is taken at its word; a missing flag is not "cannot". */
function limitsOf(r: InfoResponse): EngineInfo['limits'] {
  if (typeof r.MemoryLimit !== 'boolean' || typeof r.PidsLimit !== 'boolean' || typeof r.CPUShares !== 'boolean' || typeof r.CpuCfsQuota !== 'boolean') return undefined;
  return { memory: r.MemoryLimit, pids: r.PidsLimit, cpuShares: r.CPUShares, cpuQuota: r.CpuCfsQuota };
}

/**
 * `name=seccomp,profile=default` → `{ name: 'seccomp', details: { profile: 'default' } }`.
 * Engines before API 1.26 sent bare names (`seccomp`, `apparmor`).
 */
export function parseSecurityOption(raw: string): { name: string; details: Record<string, string> } {
  const details: Record<string, string> = {};
  let name = '';
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part.trim() : part.slice(0, eq).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (key === 'name') name = value;
    else if (eq >= 0) details[key] = value;
    else if (name === '') name = key;
  }
  return { name, details };
}

/** The swarm facts `/info` carries; the cluster-wide ones only on a manager. */
function swarmOf(r: InfoResponse): SwarmSpec | undefined {
  const s = r.Swarm;
  if (!s || !s.LocalNodeState || s.LocalNodeState === 'inactive') return undefined;
  const manager = s.ControlAvailable === true;
  const spec = s.Cluster?.Spec;
  return {
    state: s.LocalNodeState,
    manager,
    nodeAddr: s.NodeAddr ?? '',
    ...(manager && typeof s.Managers === 'number' ? { managers: s.Managers } : {}),
    ...(manager && typeof s.Nodes === 'number' ? { nodes: s.Nodes } : {}),
    ...(manager && spec ? { autoLock: spec.EncryptionConfig?.AutoLockManagers === true } : {}),
    ...(typeof spec?.CAConfig?.NodeCertExpiry === 'number' ? { nodeCertExpiryNs: spec.CAConfig.NodeCertExpiry } : {}),
    ...(s.Cluster?.TLSInfo?.TrustRoot ? { trustRoot: s.Cluster.TLSInfo.TrustRoot } : {}),
  };
}

/** CIDRs the engine treats as insecure, then registries whose index config says `Secure: false`. */
function insecureRegistriesOf(r: InfoResponse): string[] {
  const out = new Set<string>(r.RegistryConfig?.InsecureRegistryCIDRs ?? []);
  for (const [key, cfg] of Object.entries(r.RegistryConfig?.IndexConfigs ?? {})) {
    if (cfg?.Secure === false) out.add(cfg.Name || key);
  }
  return [...out];
}
