/**
 * Which host path plays which role in the CIS benchmark. The door stats every
 * candidate; rules call `hostPaths` on the facts to learn which candidate is the one
 * in use, so the door and the rules agree without the model carrying the roles.
 */
import { posix } from 'node:path';
import type { DaemonSpec, RootlessDaemon } from './daemon-spec.ts';
import type { HostSpec } from './host-spec.ts';

// systemd's own precedence: a unit in /etc overrides /run, which overrides the vendor dirs.
export const SYSTEMD_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

// Distributions disagree on where the engine's binaries go (Debian ships /usr/sbin/dockerd and /usr/sbin/runc).
export const BIN_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/bin', '/sbin'];

export const CERTS_DIR = '/etc/docker/certs.d';
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
export const DEFAULT_DATA_ROOT = '/var/lib/docker';

export const FILE_ROLES = [
  'dockerService',
  'dockerSocketUnit',
  'etcDocker',
  'daemonJson',
  'etcDefaultDocker',
  'etcSysconfigDocker',
  'certsDir',
  'tlsCaCert',
  'tlsCert',
  'tlsKey',
  'containerdSocket',
  'containerdRun',
  'dataRoot',
  'containerdConfig',
  'dockerd',
  'containerd',
  'containerdShim',
  'containerdShimRuncV1',
  'containerdShimRuncV2',
  'runc',
] as const;
export type FileRole = (typeof FILE_ROLES)[number];

/** Every role's candidate paths in order of preference; an empty list means the role does not apply (no TLS configured). */
export type PathCandidates = Record<FileRole, string[]> & { dockerSockets: string[] };

/**
 * The path in use for each role: the first candidate that exists (or could not be
 * read), else the first one examined, whose fact then says it does not exist;
 * `undefined` when the role does not apply. `registryCerts` are the entries found
 * under certs.d/<registry>/.
 */
export type HostPaths = Record<FileRole, string | undefined> & { dockerSockets: string[]; registryCerts: string[] };

export function pathCandidates(daemon?: DaemonSpec): PathCandidates {
  if (daemon?.rootless) return rootlessCandidates(daemon, daemon.rootless);
  const unit = (name: string): string[] => serviceUnitDirs().map((d) => `${d}/${name}`);
  const opt = (key: string): string | undefined => {
    const v = daemon?.options.get(key)?.value;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const one = (p: string | undefined): string[] => (p ? [absolute(p)] : []);
  return {
    dockerService: unit('docker.service'),
    dockerSocketUnit: unit('docker.socket'),
    etcDocker: ['/etc/docker'],
    // dockerd reads only the file --config-file names, so no fallback to the default when it is set.
    daemonJson: [absolute(opt('config-file') ?? daemon?.configFile?.path ?? '/etc/docker/daemon.json')],
    etcDefaultDocker: ['/etc/default/docker'],
    etcSysconfigDocker: ['/etc/sysconfig/docker'],
    certsDir: [CERTS_DIR],
    tlsCaCert: one(opt('tlscacert')),
    tlsCert: one(opt('tlscert')),
    tlsKey: one(opt('tlskey')),
    // The engine's bundled containerd listens under /run/docker when no system containerd runs.
    containerdSocket: ['/run/containerd/containerd.sock', '/run/docker/containerd/containerd.sock'],
    containerdRun: ['/run/containerd'],
    dataRoot: [dataRootOf(daemon)],
    containerdConfig: ['/etc/containerd/config.toml'],
    ...engineBinaries(),
    dockerSockets: dockerSocketsOf(daemon),
  };
}

/**
 * A rootless daemon's own files: its user unit, its config under $XDG_CONFIG_HOME/docker
 * (daemon.json, certs.d), its socket and containerd under $XDG_RUNTIME_DIR (dockerd's
 * defaults for a RootlessKit child). It has no docker.socket, and the system daemon's
 * /etc/default, /etc/sysconfig and /etc/containerd files configure another daemon: those
 * roles get no candidate (the rules say why: ROOTLESS_NOT_USED). Its binaries are the system's.
 */
function rootlessCandidates(daemon: DaemonSpec, r: RootlessDaemon): PathCandidates {
  const opt = (key: string): string | undefined => {
    const v = daemon.options.get(key)?.value;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const one = (p: string | undefined): string[] => (p ? [absolute(p)] : []);
  const execRoot = opt('exec-root') ?? (r.runtimeDir ? `${r.runtimeDir}/docker` : undefined);
  return {
    dockerService: serviceUnitDirs(daemon).map((d) => `${d}/docker.service`),
    dockerSocketUnit: [],
    etcDocker: one(r.configDir),
    daemonJson: one(opt('config-file') ?? daemon.configFile?.path ?? (r.configDir ? `${r.configDir}/daemon.json` : undefined)),
    etcDefaultDocker: [],
    etcSysconfigDocker: [],
    certsDir: one(r.configDir ? `${r.configDir}/certs.d` : undefined),
    tlsCaCert: one(opt('tlscacert')),
    tlsCert: one(opt('tlscert')),
    tlsKey: one(opt('tlskey')),
    containerdSocket: one(execRoot ? `${execRoot}/containerd/containerd.sock` : undefined),
    containerdRun: one(execRoot ? `${execRoot}/containerd` : undefined),
    dataRoot: [dataRootOf(daemon)],
    containerdConfig: [],
    ...engineBinaries(),
    dockerSockets: dockerSocketsOf(daemon),
  };
}

/**
 * Where the daemon's docker.service may be: systemd's system unit directories, or for a rootless
 * daemon its user's (dockerd-rootless-setuptool.sh installs it in ~/.config/systemd/user) and the
 * user-unit directories an administrator may ship it in for every user.
 */
export function serviceUnitDirs(daemon?: DaemonSpec): string[] {
  if (!daemon?.rootless) return SYSTEMD_DIRS;
  const configHome = daemon.rootless.configDir ? posix.dirname(daemon.rootless.configDir) : undefined;
  return [...(configHome ? [`${configHome}/systemd/user`] : []), '/etc/systemd/user', '/usr/local/lib/systemd/user', '/usr/lib/systemd/user'];
}

/** The registry certificate directory dockerd reads: ~/.config/docker/certs.d for a rootless daemon. */
export function certsDirOf(daemon?: DaemonSpec): string | undefined {
  if (!daemon?.rootless) return CERTS_DIR;
  return daemon.rootless.configDir ? `${daemon.rootless.configDir}/certs.d` : undefined;
}

export function hostPaths(host: HostSpec, daemon?: DaemonSpec): HostPaths {
  const c = pathCandidates(daemon);
  const out = {} as Record<FileRole, string | undefined>;
  for (const role of FILE_ROLES) {
    const list = c[role];
    // A candidate that could not be read may be the one in use: choosing it turns the doubt into an error verdict.
    out[role] = list.find((p) => host.files.get(p)?.exists || host.files.get(p)?.error) ?? list.find((p) => host.files.has(p)) ?? list[0];
  }
  const certs = certsDirOf(daemon);
  return { ...out, dockerSockets: c.dockerSockets, registryCerts: certs ? registryCertsIn(host, certs) : [] };
}

/** Entries at certs.d/<registry>/<entry>, the depth the benchmark names, except directories. */
export function registryCertsIn(host: HostSpec, certsDir = CERTS_DIR): string[] {
  const prefix = `${certsDir}/`;
  return [...host.files.entries()]
    .filter(([p, f]) => p.startsWith(prefix) && p.slice(prefix.length).split('/').length === 2 && f.type !== 'directory')
    .map(([p]) => p)
    .sort();
}

/**
 * The data root as configured: with userns-remap the engine reports a
 * `<root>/<uid>.<gid>` subdirectory, and the benchmark means the root above it.
 */
export function dataRootOf(daemon?: DaemonSpec): string {
  const configured = daemon?.options.get('data-root')?.value;
  if (typeof configured === 'string' && configured !== '') return absolute(configured);
  const reported = daemon?.info.dockerRootDir;
  if (!reported) return DEFAULT_DATA_ROOT;
  const remapped = daemon.info.securityOptions.some((o) => o.name === 'userns');
  const m = /^(.*)\/\d+\.\d+$/.exec(reported);
  return remapped && m?.[1] ? m[1] : reported;
}

/**
 * Unix sockets from the `hosts` option; `fd://` (systemd activation) and no unix host mean the
 * default socket, which for a rootless daemon is $XDG_RUNTIME_DIR/docker.sock.
 */
export function dockerSocketsOf(daemon?: DaemonSpec): string[] {
  const fallback = daemon?.rootless ? (daemon.rootless.runtimeDir ? `${daemon.rootless.runtimeDir}/docker.sock` : undefined) : DEFAULT_DOCKER_SOCKET;
  const raw = daemon?.options.get('hosts')?.value;
  const hosts = Array.isArray(raw) ? raw.filter((h): h is string => typeof h === 'string') : typeof raw === 'string' ? [raw] : [];
  const out = new Set<string>();
  let useDefault = hosts.length === 0;
  for (const h of hosts) {
    if (h.startsWith('unix://')) {
      const p = h.slice('unix://'.length) || fallback;
      if (p) out.add(p);
    } else if (h.startsWith('fd://')) useDefault = true;
  }
  if ((out.size === 0 || useDefault) && fallback) out.add(fallback);
  return [...out];
}

function absolute(p: string): string {
  const s = p.startsWith('/') ? p : `/${p}`;
  return s.length > 1 ? s.replace(/\/+$/, '') : s;
}

/** Where the engine's binaries may be installed: each under every directory packages use. */
function engineBinaries(): Record<'dockerd' | 'containerd' | 'containerdShim' | 'containerdShimRuncV1' | 'containerdShimRuncV2' | 'runc', string[]> {
  const bin = (name: string): string[] => BIN_DIRS.map((d) => `${d}/${name}`);
  return {
    dockerd: bin('dockerd'),
    containerd: bin('containerd'),
    containerdShim: bin('containerd-shim'),
    containerdShimRuncV1: bin('containerd-shim-runc-v1'),
    containerdShimRuncV2: bin('containerd-shim-runc-v2'),
    runc: bin('runc'),
  };
}
