import type { Location } from './location.ts';

/**
 * One model of a container's run configuration, whatever door it came through
 * (inspect output, compose service, `docker run` argv, a create request).
 * Rules read only this; they never know which door produced it.
 *
 * Conventions shared by every door:
 * - capability names are upper-case without the `CAP_` prefix; `ALL` stays `ALL`;
 * - a namespace mode is the engine's string: '' (private/default), 'host', 'container:ID', 'private', 'shareable'...;
 * - `undefined` means "not set at this door" (the engine default applies), which rules
 *   must treat differently from an explicit value where the default is unsafe.
 */
export interface ContainerSpec {
  /** Engine id, or a stable synthetic id for specs that do not exist yet (`compose.yaml#web`). */
  id: string;
  /** Container name without the leading slash, or the compose service name. */
  name: string;
  door: 'inspect' | 'compose' | 'run' | 'request';
  /** Image reference as written (inspect: `Config.Image`). */
  image: string;
  /** Image id (`sha256:...`), known only for existing containers. */
  imageId?: string;
  /** `--user` / `Config.User`; for inspect it already holds the image's USER when none was given. */
  user?: string;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  security: SecurityOptions;
  namespaces: Namespaces;
  mounts: MountSpec[];
  devices: DeviceSpec[];
  deviceCgroupRules: string[];
  ports: PortSpec[];
  /** `-P`: every exposed port published on an ephemeral host port, on all interfaces. */
  publishAllPorts: boolean;
  /** Network names the container joins; `network_mode`-style values live in `namespaces.network`. */
  networks: string[];
  resources: Resources;
  readOnlyRootfs: boolean;
  restartPolicy: RestartPolicy;
  /** `undefined` = none configured anywhere (neither image nor run). */
  healthcheck?: Healthcheck;
  cgroupParent?: string;
  env: string[];
  /**
   * Doors that read a file (compose, a `docker run` line): the variables whose value is
   * written there literally, and where. Variables taken from the environment (`NAME`
   * alone) or interpolated (`${VAR}`) are not listed. Absent where the door cannot tell
   * (a running container, an API request).
   */
  envWritten?: Record<string, Location>;
  labels: Record<string, string>;
  /** Kernel parameters (`--sysctl`, compose `sysctls`); absent when the door has none. */
  sysctls?: Record<string, string>;
  /**
   * `HostConfig.MaskedPaths` / `ReadonlyPaths`: undefined (or a list undefined) = the engine's defaults;
   * `[]` is what `--security-opt systempaths=unconfined` sends (nothing masked, /proc/sys writable).
   */
  systemPaths?: SystemPaths;
  /** Compose `build:`: the image is built from this context rather than pulled; `image` then holds the name compose gives it. */
  build?: { context: string; dockerfile?: string };
  /** Where each top-level field was read; array elements carry their own `at`. */
  where: Partial<Record<ContainerField, Location>>;
  /** Only for containers that exist (the inspect door). */
  state?: ContainerState;
}

export type ContainerField = Exclude<keyof ContainerSpec, 'where' | 'state'> | `security.${keyof SecurityOptions}` | `namespaces.${keyof Namespaces}` | `resources.${keyof Resources}`;

export interface SecurityOptions {
  /** 'unconfined', a profile path or inline JSON; `undefined` = the engine's default profile. */
  seccomp?: string;
  /** AppArmor profile name; 'unconfined' disables it; `undefined` = the engine's default (docker-default). */
  apparmor?: string;
  /** `label=...` options other than `disable`, e.g. `type:svirt_apache_t`. */
  selinuxLabels: string[];
  /** `label=disable` (or `label:disable`). */
  selinuxDisabled: boolean;
  noNewPrivileges: boolean;
  /** The security options exactly as given, for evidence. */
  raw: string[];
}

export interface Namespaces {
  pid?: string;
  ipc?: string;
  uts?: string;
  /** Network mode: 'bridge', 'host', 'none', 'container:ID', or a user network name. */
  network?: string;
  userns?: string;
  cgroupns?: string;
}

export interface MountSpec {
  type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** Host path for binds, volume name for volumes. */
  source: string;
  target: string;
  readOnly: boolean;
  /** 'rprivate', 'private', 'shared', 'rshared', 'slave', 'rslave' or undefined (default). */
  propagation?: string;
  /** A volume's driver and options, where the door knows them (see local-volume.ts for what the `local` driver makes of them). */
  volume?: VolumeDriverSpec;
  /**
   * The host's daemon sockets this bind gives access to (the source is one, or a directory above one),
   * found on the daemon's host; undefined where the door cannot look at the host.
   */
  reaches?: HostSocket[];
  /** Set on mounts a door derived from another (a local volume's bind, a resolved source): the original's location. */
  derivedFrom?: string;
  at?: Location;
}

export interface VolumeDriverSpec {
  /** '' and 'local' are the built-in driver. */
  driver: string;
  /** Driver options exactly as given (`type`, `o`, `device` for `local`). */
  options: Record<string, string>;
  /** What a local device mount's `device` is on the daemon's host, where the door could look. */
  deviceNodes?: DeviceNode[];
}

/** A unix socket a daemon of the host listens on. */
export interface HostSocket {
  path: string;
  /** 'engine': dockerd or another container engine's API; 'containerd': its gRPC API; 'root-daemon': another process running as root. */
  owner: 'engine' | 'containerd' | 'root-daemon';
  /** The listening process, when known (`dockerd`, `systemd`...). */
  process?: string;
  /** In `MountSpec.reaches`: the bind source is this socket itself (under any name or link), not a directory above it. */
  direct?: boolean;
}

/** What a host path is on the daemon's host, read with stat after resolving it as dockerd does. */
export interface DeviceNode {
  kind: 'block' | 'char' | 'fifo' | 'directory' | 'missing' | 'other';
  /** The resolved path that was read. */
  path: string;
  major?: number;
  minor?: number;
}

export interface SystemPaths {
  masked?: string[];
  readonly?: string[];
}

export interface DeviceSpec {
  hostPath: string;
  containerPath: string;
  permissions: string;
  /**
   * What the host path is on the daemon's host: one node, or every node under a directory (dockerd
   * adds each device it finds there). Undefined where the door cannot look at the host: then the
   * name is all there is to judge.
   */
  nodes?: DeviceNode[];
  at?: Location;
}

export interface PortSpec {
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** Host address; '' means all interfaces (0.0.0.0 and ::). */
  hostIp: string;
  /** 0 or undefined = ephemeral port chosen by the engine. */
  hostPort?: number;
  /** Set when the host side is a range (`8000-8010:80`): the engine picks one port in hostPort..hostPortEnd. */
  hostPortEnd?: number;
  at?: Location;
}

export interface Ulimit {
  name: string;
  soft: number;
  hard: number;
  at?: Location;
}

export interface Resources {
  /** Bytes; 0 or undefined = unlimited. */
  memory?: number;
  memorySwap?: number;
  /** Relative weight; 0 or undefined = default (1024). */
  cpuShares?: number;
  nanoCpus?: number;
  cpuQuota?: number;
  cpusetCpus?: string;
  /** undefined, 0 or -1 = unlimited. */
  pidsLimit?: number;
  ulimits: Ulimit[];
}

export interface RestartPolicy {
  /** '', 'no', 'always', 'unless-stopped', 'on-failure'. */
  name: string;
  maxRetries: number;
}

export interface Healthcheck {
  /** `['NONE']` means explicitly disabled. */
  test: string[];
  disabled: boolean;
}

export interface ContainerState {
  status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  running: boolean;
  pid: number;
  startedAt?: string;
  restartCount: number;
  /** Exec instances still known to the engine (`ExecIDs`). */
  execIds: string[];
}
