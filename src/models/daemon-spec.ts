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
}
