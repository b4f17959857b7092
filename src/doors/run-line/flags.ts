/**
 * Every flag `docker run` / `docker create` accepts (docker CLI 28, the reference's
 * "Options" table, plus the hidden aliases and the flags it hides for other platforms or
 * newer APIs), and whether it takes a value. pflag decides a word's meaning from this
 * alone (`--privileged false` makes `false` the image), so it must be exact:
 * run-flags.test.ts checks it against the installed CLI's own `--help`.
 */
export type FlagKind = 'bool' | 'value';

export interface FlagDef {
  long: string;
  short?: string;
  kind: FlagKind;
  /** Only `docker run` has it (not `docker create`). */
  runOnly?: boolean;
  /** Not in `--help`: an alias or a flag shown only for another OS or API version. */
  hidden?: boolean;
}

const BOOL = (long: string, short?: string, extra: Partial<FlagDef> = {}): FlagDef => ({ long, kind: 'bool', ...(short ? { short } : {}), ...extra });
const VALUE = (long: string, short?: string, extra: Partial<FlagDef> = {}): FlagDef => ({ long, kind: 'value', ...(short ? { short } : {}), ...extra });

export const RUN_FLAGS: readonly FlagDef[] = [
  VALUE('add-host'), VALUE('annotation', undefined, { hidden: true }), VALUE('attach', 'a'), VALUE('blkio-weight'), VALUE('blkio-weight-device'),
  VALUE('cap-add'), VALUE('cap-drop'), VALUE('cgroup-parent'), VALUE('cgroupns'), VALUE('cidfile'),
  VALUE('cpu-count', undefined, { hidden: true }), VALUE('cpu-percent', undefined, { hidden: true }), VALUE('cpu-period'), VALUE('cpu-quota'),
  VALUE('cpu-rt-period'), VALUE('cpu-rt-runtime'), VALUE('cpu-shares', 'c'), VALUE('cpus'), VALUE('cpuset-cpus'), VALUE('cpuset-mems'),
  BOOL('detach', 'd', { runOnly: true }), VALUE('detach-keys', undefined, { runOnly: true }), VALUE('device'), VALUE('device-cgroup-rule'),
  VALUE('device-read-bps'), VALUE('device-read-iops'), VALUE('device-write-bps'), VALUE('device-write-iops'), BOOL('disable-content-trust'),
  VALUE('dns'), VALUE('dns-opt', undefined, { hidden: true }), VALUE('dns-option'), VALUE('dns-search'), VALUE('domainname'), VALUE('entrypoint'),
  VALUE('env', 'e'), VALUE('env-file'), VALUE('expose'), VALUE('gpus'), VALUE('group-add'), VALUE('health-cmd'), VALUE('health-interval'),
  VALUE('health-retries'), VALUE('health-start-interval', undefined, { hidden: true }), VALUE('health-start-period'), VALUE('health-timeout'),
  BOOL('help'), VALUE('hostname', 'h'), BOOL('init'), BOOL('interactive', 'i'), VALUE('io-maxbandwidth', undefined, { hidden: true }),
  VALUE('io-maxiops', undefined, { hidden: true }), VALUE('ip'), VALUE('ip6'), VALUE('ipc'), VALUE('isolation'), VALUE('kernel-memory'),
  VALUE('label', 'l'), VALUE('label-file'), VALUE('link'), VALUE('link-local-ip'), VALUE('log-driver'), VALUE('log-opt'), VALUE('mac-address'),
  VALUE('memory', 'm'), VALUE('memory-reservation'), VALUE('memory-swap'), VALUE('memory-swappiness'), VALUE('mount'), VALUE('name'),
  VALUE('net', undefined, { hidden: true }), VALUE('net-alias', undefined, { hidden: true }), VALUE('network'), VALUE('network-alias'),
  BOOL('no-healthcheck'), BOOL('oom-kill-disable'), VALUE('oom-score-adj'), VALUE('pid'), VALUE('pids-limit'), VALUE('platform'),
  BOOL('privileged'), VALUE('publish', 'p'), BOOL('publish-all', 'P'), VALUE('pull'), BOOL('quiet', 'q'), BOOL('read-only'), VALUE('restart'),
  BOOL('rm'), VALUE('runtime'), VALUE('security-opt'), VALUE('shm-size'), BOOL('sig-proxy', undefined, { runOnly: true }), VALUE('stop-signal'),
  VALUE('stop-timeout'), VALUE('storage-opt'), VALUE('sysctl'), VALUE('tmpfs'), BOOL('tty', 't'), VALUE('ulimit'), BOOL('use-api-socket'),
  VALUE('user', 'u'), VALUE('userns'), VALUE('uts'), VALUE('volume', 'v'), VALUE('volume-driver'), VALUE('volumes-from'), VALUE('workdir', 'w'),
];

export const BY_LONG = new Map(RUN_FLAGS.map((f) => [f.long, f]));
export const BY_SHORT = new Map(RUN_FLAGS.filter((f) => f.short).map((f) => [f.short as string, f]));

/** The `docker` command's own options that may stand before `run` (`docker -H unix:///x run ...`). */
export const GLOBAL_FLAGS: readonly FlagDef[] = [
  VALUE('config'), VALUE('context', 'c'), BOOL('debug', 'D'), VALUE('host', 'H'), VALUE('log-level', 'l'), BOOL('tls'),
  VALUE('tlscacert'), VALUE('tlscert'), VALUE('tlskey'), BOOL('tlsverify'),
];
