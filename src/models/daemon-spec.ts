import type { SwarmSpec } from './swarm-spec.ts';
import type { Location } from './location.ts';

/**
 * The Docker daemon as Moat sees it: what the engine reports (`/info`, `/version`)
 * and, when the daemon runs on this host, how it was configured (daemon.json and the
 * dockerd command line). Options from both files are merged under daemon.json's key
 * names, each remembering where it was set.
 */
export interface DaemonSpec {
  version: EngineVersion;
  info: EngineInfo;
  /** Effective options set in daemon.json or on the dockerd command line, by daemon.json key. */
  options: Map<string, DaemonOption>;
  /** daemon.json as found (or not) on this host. */
  configFile?: { path: string; present: boolean };
  /** The dockerd process on this host; `undefined` when the daemon is remote or not visible. */
  process?: { pid: number; argv: string[] };
  /** True when the daemon runs on this machine (unix socket, or a process found in /proc). */
  local: boolean;
  /** Set when the daemon runs rootless (`/info` SecurityOptions has `name=rootless`). */
  rootless?: RootlessDaemon;
}

/**
 * A rootless daemon (dockerd under RootlessKit, as an unprivileged user): its socket, data
 * root and config live in that user's directories, and the user, not root, owns them.
 * Fields are absent when they cannot be known (a remote daemon, a process Moat cannot see).
 */
export interface RootlessDaemon {
  /** Host uid the daemon runs as: its process's real uid, else the owner of its data root. */
  uid?: number;
  user?: string;
  /** The user's primary gid (/etc/passwd). */
  gid?: number;
  home?: string;
  /** `$XDG_RUNTIME_DIR`: the socket and the exec root (`docker/`) are under it. */
  runtimeDir?: string;
  /** `$XDG_CONFIG_HOME/docker` (default `~/.config/docker`): daemon.json and certs.d. */
  configDir?: string;
  /** The user's subordinate gid ranges (/etc/subgid): a group in them exists only inside the user's own namespaces. */
  subgids: Array<{ start: number; count: number }>;
}

export interface DaemonOption {
  key: string;
  /** Normalised: boolean for switches, string[] for repeatable flags, string/number/object otherwise. */
  value: unknown;
  from: 'daemon.json' | 'argv';
  at: Location;
}

export interface EngineVersion {
  /** e.g. `20.10.24+dfsg1` */
  engine: string;
  apiVersion: string;
  minApiVersion?: string;
  os: string;
  arch: string;
  kernelVersion?: string;
  goVersion?: string;
  /** ISO date of the engine build, when reported. */
  buildTime?: string;
  experimental: boolean;
}

export interface EngineInfo {
  id: string;
  name: string;
  containers: number;
  containersRunning: number;
  images: number;
  storageDriver: string;
  loggingDriver: string;
  cgroupDriver: string;
  cgroupVersion: string;
  dockerRootDir: string;
  /** Names from `SecurityOptions` (`name=seccomp,profile=default` -> `seccomp`), with their key=value details. */
  securityOptions: Array<{ name: string; details: Record<string, string> }>;
  authorizationPlugins: string[];
  /** `RegistryConfig.InsecureRegistryCIDRs` plus index configs marked insecure. */
  insecureRegistries: string[];
  liveRestoreEnabled: boolean;
  experimentalBuild: boolean;
  swarmState: string;
  /** The swarm this node belongs to; absent when it is in none (or an old engine says nothing). */
  swarm?: SwarmSpec;
  defaultRuntime: string;
  operatingSystem: string;
  kernelVersion: string;
  /**
   * Which limits the daemon can enforce (`/info` MemoryLimit, PidsLimit, CPUShares, CpuCfsQuota):
   * false where it has no cgroup controller for them, as a rootless daemon on a cgroup v1 host.
   * Absent when the engine did not say (the limits are then taken as enforced).
   */
  limits?: { memory: boolean; pids: boolean; cpuShares: boolean; cpuQuota: boolean };
}
