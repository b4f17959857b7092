import type { MountSpec, VolumeDriverSpec } from './container-spec.ts';

/**
 * What the built-in `local` volume driver mounts for a set of driver options, read as dockerd
 * 20.10 reads them (volume/local/local_unix.go, moby/sys/mount): the keys `type`, `o` and
 * `device` (dockerd refuses any other), `o` split on commas into mount flags (`bind`, `rbind`,
 * `ro`, `rw`...) and file-system data. The daemon then calls mount(2) itself, in its own mount
 * namespace, when a container first uses the volume: `type=ext4,device=/dev/vda` mounts the
 * host's disk, `type=proc` the host's /proc, `o=bind,device=/etc` is a bind of /etc.
 */
export type LocalVolumeKind = 'plain' | 'bind' | 'overlay' | 'memory' | 'network' | 'kernel' | 'device';

export interface LocalVolumeMount {
  kind: LocalVolumeKind;
  /** `type` as given ('' when absent). */
  type: string;
  device: string;
  /** Host paths the mount exposes in the container (bind source, overlay layers) and whether writes reach them. */
  hostPaths: { path: string; readOnly: boolean; role: string }[];
}

/** File systems that live in memory: nothing of the host is exposed. */
const MEMORY = new Set(['tmpfs', 'ramfs']);
/** Network file systems: a share of another machine, mounted with the daemon's credentials and network. */
const NETWORK = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ceph', 'glusterfs', '9p', 'fuse.sshfs', 'afs', 'ncpfs']);
/**
 * Kernel file systems mounted in the daemon's namespaces are the host's: `proc` is the host's /proc
 * (core_pattern), `sysfs` its /sys, `devtmpfs` every host device node, `cgroup` a release_agent.
 */
const KERNEL = new Set(['proc', 'sysfs', 'devtmpfs', 'cgroup', 'cgroup2', 'debugfs', 'tracefs', 'securityfs', 'bpf', 'configfs', 'efivarfs', 'binfmt_misc', 'pstore', 'fusectl', 'devpts', 'hugetlbfs', 'rpc_pipefs', 'nsfs', 'autofs']);

/** moby/sys/mount's flag table, the entries that change what is mounted. */
const FLAG_WORDS = new Set(['bind', 'rbind', 'ro', 'rw', 'remount', 'defaults', 'nodev', 'dev', 'noexec', 'exec', 'nosuid', 'suid', 'sync', 'async', 'dirsync', 'mand', 'nomand', 'atime', 'noatime', 'diratime', 'nodiratime', 'relatime', 'norelatime', 'strictatime', 'nostrictatime', 'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'unbindable', 'runbindable', 'loud', 'silent', 'recurse']);

/** True for the built-in driver ('' is the default). Compared without case: a spelling dockerd refuses costs nothing to judge. */
export function isLocalDriver(driver: string): boolean {
  const d = driver.trim().toLowerCase();
  return d === '' || d === 'local';
}

/** The mount a local volume makes, or undefined for another driver or a volume without options. */
export function localVolumeMount(v: VolumeDriverSpec): LocalVolumeMount | undefined {
  if (!isLocalDriver(v.driver)) return undefined;
  // dockerd matches the keys exactly and refuses others; reading them without case only ever judges more.
  const opts = new Map(Object.entries(v.options).map(([k, val]) => [k.trim().toLowerCase(), val]));
  if (opts.size === 0) return { kind: 'plain', type: '', device: '', hostPaths: [] };
  const type = (opts.get('type') ?? '').trim();
  const device = opts.get('device') ?? '';
  let bind = false;
  let readOnly = false;
  const data: string[] = [];
  for (const raw of (opts.get('o') ?? '').split(',')) {
    const o = raw.trim().toLowerCase();
    if (o === 'bind' || o === 'rbind') bind = true;
    else if (o === 'ro') readOnly = true;
    else if (o === 'rw') readOnly = false;
    else if (!FLAG_WORDS.has(o) && raw !== '') data.push(raw.trim());
  }
  // MS_BIND makes mount(2) ignore the type: whatever `type` says, it is a bind of `device`.
  if (bind) return { kind: 'bind', type, device, hostPaths: device ? [{ path: device, readOnly, role: 'bind source' }] : [] };
  const t = type.toLowerCase();
  if (t === 'overlay') {
    const hostPaths: LocalVolumeMount['hostPaths'] = [];
    for (const d of data) {
      const eq = d.indexOf('=');
      const key = d.slice(0, eq).toLowerCase();
      const value = d.slice(eq + 1);
      if (eq < 0) continue;
      // Lower layers are read (the container sees them); the upper and work directories are written.
      if (key === 'lowerdir') for (const p of value.split(':')) if (p) hostPaths.push({ path: p, readOnly: true, role: 'overlay lowerdir' });
      if (key === 'upperdir' || key === 'workdir') hostPaths.push({ path: value, readOnly, role: `overlay ${key}` });
    }
    return { kind: 'overlay', type, device, hostPaths };
  }
  if (MEMORY.has(t)) return { kind: 'memory', type, device, hostPaths: [] };
  if (NETWORK.has(t)) return { kind: 'network', type, device, hostPaths: [] };
  if (KERNEL.has(t)) return { kind: 'kernel', type, device, hostPaths: [] };
  return { kind: 'device', type, device, hostPaths: [] };
}

const DERIVED = ' of local volume ';

/** A bind withLocalVolumeBinds added (to be recomputed when a volume's options become known). */
export function isLocalVolumeBind(m: MountSpec): boolean {
  return m.derivedFrom?.includes(DERIVED) ?? false;
}

/**
 * The binds a door adds for each local volume that exposes host paths (a bind, an overlay's
 * layers), so every rule that judges binds judges them too. Appended after the originals.
 */
export function withLocalVolumeBinds(mounts: MountSpec[]): MountSpec[] {
  const out = [...mounts];
  for (const m of mounts) {
    if (m.type !== 'volume' || !m.volume) continue;
    const lv = localVolumeMount(m.volume);
    for (const h of lv?.hostPaths ?? []) {
      out.push({ type: 'bind', source: h.path, target: m.target, readOnly: m.readOnly || h.readOnly, derivedFrom: `${h.role}${DERIVED}${m.source || '(anonymous)'}`, ...(m.at ? { at: m.at } : {}) });
    }
  }
  return out;
}
