/**
 * One compose service (after extends, include and interpolation) → ContainerSpec, with
 * the values compose itself would send to the engine: named volumes and networks take
 * the project prefix, a service without `networks` joins `<project>_default`, relative
 * bind sources resolve against the file that wrote them.
 */
import { posix } from 'node:path';
import type { ContainerField, ContainerSpec, MountSpec, PortSpec, VolumeDriverSpec } from '../../models/container-spec.ts';
import { withLocalVolumeBinds } from '../../models/local-volume.ts';
import type { Location } from '../../models/location.ts';
import { normalizeCapability, parseSecurityOpts } from '../../models/normalize.ts';
import { applyClientSecurityOpts } from '../common/security-files.ts';
import { blankSpec, type DoorWarning } from '../common/spec.ts';
import {
  ValueError, checkUlimitName, parseBytes, parseDeviceSpec, parseInteger, parseNanoCpus, parsePortSpec, parseRestartSpec, parseSwap,
  parseVolumeSpec, publishRange, splitKeyValue,
} from '../common/values.ts';
import { locateUnset } from '../common/where.ts';
import { describe, expectMap, locatedError, type LMap, type LNode } from './yaml-tree.ts';

/** Every service key of the compose specification; others are warned about (x-* are extensions). */
export const SERVICE_KEYS = new Set([
  'annotations', 'attach', 'blkio_config', 'build', 'cap_add', 'cap_drop', 'cgroup', 'cgroup_parent', 'command', 'configs', 'container_name',
  'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period', 'cpu_rt_runtime', 'cpu_shares', 'cpus', 'cpuset', 'credential_spec',
  'depends_on', 'deploy', 'develop', 'device_cgroup_rules', 'devices', 'dns', 'dns_opt', 'dns_search', 'domainname', 'driver_opts', 'entrypoint',
  'env_file', 'environment', 'expose', 'extends', 'external_links', 'extra_hosts', 'gpus', 'group_add', 'healthcheck', 'hostname', 'image', 'init',
  'ipc', 'isolation', 'labels', 'label_file', 'links', 'logging', 'mac_address', 'mem_limit', 'mem_reservation', 'mem_swappiness', 'memswap_limit',
  'models', 'network_mode', 'networks', 'oom_kill_disable', 'oom_score_adj', 'pid', 'pids_limit', 'platform', 'ports', 'post_start', 'pre_stop',
  'privileged', 'profiles', 'provider', 'pull_policy', 'read_only', 'restart', 'runtime', 'scale', 'secrets', 'security_opt', 'shm_size',
  'stdin_open', 'stop_grace_period', 'stop_signal', 'storage_opt', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'use_api_socket', 'user', 'userns_mode',
  'uts', 'volumes', 'volumes_from', 'working_dir',
]);

export interface ProjectNames {
  project: string;
  /** Top-level `volumes:` / `networks:` key → the engine-side name (`<project>_<key>` unless `name:` or `external`). */
  volumes: Map<string, string>;
  /** The project directory: compose reads `seccomp=FILE` relative to it. */
  dir?: string;
  /** Engine-side volume name → the driver and `driver_opts` compose creates it with (not for external volumes). */
  volumeDrivers?: Map<string, VolumeDriverSpec>;
  networks: Map<string, string>;
  /** Variables for `environment: [NAME]` entries without a value. */
  env: Readonly<Record<string, string | undefined>>;
}

const TRUE_WORDS = new Set(['y', 'yes', 'true', 'on']);
const FALSE_WORDS = new Set(['n', 'no', 'false', 'off']);

function bool(n: LNode, key: string): boolean {
  if (n.kind === 'scalar') {
    if (typeof n.value === 'boolean') return n.value;
    if (typeof n.value === 'string' && TRUE_WORDS.has(n.value.toLowerCase())) return true;
    if (typeof n.value === 'string' && FALSE_WORDS.has(n.value.toLowerCase())) return false;
  }
  throw locatedError(n.at, `${key} must be true or false, found ${describe(n)}`);
}

function str(n: LNode, key: string): string {
  if (n.kind === 'scalar' && n.value !== null && typeof n.value !== 'boolean') return String(n.value);
  throw locatedError(n.at, `${key} must be a string, found ${describe(n)}`);
}

function int(n: LNode, key: string): number {
  if (n.kind === 'scalar' && typeof n.value === 'number' && Number.isInteger(n.value)) return n.value;
  if (n.kind === 'scalar' && typeof n.value === 'string') return wrap(n, key, () => parseInteger(n.value as string, key));
  throw locatedError(n.at, `${key} must be an integer, found ${describe(n)}`);
}

function bytes(n: LNode, key: string): number {
  if (n.kind === 'scalar' && typeof n.value === 'number') return n.value;
  return wrap(n, key, () => parseBytes(str(n, key)));
}

function wrap<T>(n: LNode, key: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ValueError) throw locatedError(n.at, `${key}: ${e.message}`);
    throw e;
  }
}

/** A string or a list of strings (`tmpfs: /run` or `tmpfs: [/run, /tmp]`). */
function strings(n: LNode, key: string): Array<{ value: string; at: Location }> {
  if (n.kind === 'seq') return n.items.map((i) => ({ value: str(i, key), at: i.at }));
  return [{ value: str(n, key), at: n.at }];
}

function list(n: LNode, key: string): LNode[] {
  if (n.kind !== 'seq') throw locatedError(n.at, `${key} must be a list, found ${describe(n)}`);
  return n.items;
}

/** `environment`, `labels`, `sysctls`: a mapping or a list of KEY=VALUE; `undefined` value = KEY alone / null. */
export function keyValues(n: LNode, key: string): Array<{ key: string; value: string | undefined; at: Location; literal: boolean }> {
  if (n.kind === 'map') {
    return [...n.entries].map(([k, v]) => {
      if (v.kind !== 'scalar') throw locatedError(v.at, `${key}.${k} must be a string, number or boolean, found ${describe(v)}`);
      return { key: k, value: v.value === null ? undefined : String(v.value), at: v.at, literal: v.value !== null && !v.interpolated };
    });
  }
  return list(n, key).map((i) => {
    const [k, v] = splitKeyValue(str(i, key));
    return { key: k, value: v, at: i.at, literal: v !== undefined && !(i.kind === 'scalar' && i.interpolated) };
  });
}

export function serviceToSpec(name: string, svc: LMap, names: ProjectNames, warnings: DoorWarning[]): { spec: ContainerSpec; set: ContainerField[] } {
  const spec = blankSpec('compose', `${names.project}#${name}`, name);
  const where = spec.where;
  const e = svc.entries;
  const set = (field: ContainerField, at: Location): void => {
    where[field] = at;
  };
  for (const [k, v] of e) {
    if (!SERVICE_KEYS.has(k) && !k.startsWith('x-')) warnings.push({ message: `unknown service key "${k}" in service ${name} (ignored, as compose would reject it; extension keys start with x-)`, at: v.at });
  }
  const get = (k: string): LNode | undefined => e.get(k);

  const image = get('image');
  const build = get('build');
  if (image) {
    spec.image = str(image, 'image');
    set('image', image.at);
  }
  if (build) {
    const b = build.kind === 'map' ? build : undefined;
    const context = b ? (b.entries.get('context') ? str(b.entries.get('context') as LNode, 'build.context') : '.') : str(build, 'build');
    const dockerfile = b?.entries.get('dockerfile');
    spec.build = { context: /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@') ? context : posix.resolve(build.dir, context), ...(dockerfile ? { dockerfile: str(dockerfile, 'build.dockerfile') } : {}) };
    if (!image) {
      spec.image = `${names.project}-${name}`;
      set('image', build.at);
    }
  }
  if (!image && !build) throw locatedError(svc.at, `service ${name} has neither an image nor a build context`);

  const flag = (k: string, apply: (v: boolean) => void, field: ContainerField): void => {
    const n = get(k);
    if (!n) return;
    apply(bool(n, k));
    set(field, n.at);
  };
  flag('privileged', (v) => (spec.privileged = v), 'privileged');
  flag('read_only', (v) => (spec.readOnlyRootfs = v), 'readOnlyRootfs');

  for (const [k, field] of [['cap_add', 'capAdd'], ['cap_drop', 'capDrop']] as const) {
    const n = get(k);
    if (!n) continue;
    for (const c of list(n, k)) {
      const cap = normalizeCapability(str(c, k));
      const target = field === 'capAdd' ? spec.capAdd : spec.capDrop;
      if (!target.includes(cap)) target.push(cap);
    }
    set(field, n.at);
  }
  const sec = get('security_opt');
  if (sec) {
    const opts = list(sec, 'security_opt').map((o) => str(o, 'security_opt'));
    spec.security = parseSecurityOpts(opts);
    // compose reads `seccomp=FILE` relative to the project directory and sends its content.
    applyClientSecurityOpts(spec, opts, names.dir ?? sec.dir, sec.at, warnings);
    for (const f of ['security', 'security.seccomp', 'security.apparmor', 'security.noNewPrivileges', 'security.selinuxLabels', 'security.selinuxDisabled'] as const) set(f, sec.at);
  }
  const user = get('user');
  if (user) {
    spec.user = str(user, 'user');
    set('user', user.at);
  }
  for (const [k, ns] of [['pid', 'pid'], ['ipc', 'ipc'], ['uts', 'uts'], ['userns_mode', 'userns'], ['cgroup', 'cgroupns']] as const) {
    const n = get(k);
    if (!n) continue;
    spec.namespaces[ns] = str(n, k);
    set(`namespaces.${ns}`, n.at);
  }

  networksOf(spec, name, get('network_mode'), get('networks'), names);

  spec.mounts = withLocalVolumeBinds([...volumesOf(get('volumes'), names), ...tmpfsOf(get('tmpfs'))]);
  const firstMount = get('volumes') ?? get('tmpfs');
  if (firstMount) set('mounts', firstMount.at);
  const useSocket = get('use_api_socket');
  if (useSocket && bool(useSocket, 'use_api_socket')) {
    spec.mounts.push({ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false, at: useSocket.at });
    set('mounts', useSocket.at);
  }

  const devices = get('devices');
  if (devices) {
    spec.devices = list(devices, 'devices').map((d) => {
      if (d.kind === 'map') {
        const src = d.entries.get('source');
        if (!src) throw locatedError(d.at, 'a device in the long syntax needs source');
        const target = d.entries.get('target');
        const perms = d.entries.get('permissions');
        const hostPath = str(src, 'devices.source');
        return { hostPath, containerPath: target ? str(target, 'devices.target') : hostPath, permissions: perms ? str(perms, 'devices.permissions') : 'rwm', at: d.at };
      }
      return { ...wrap(d, 'devices', () => parseDeviceSpec(str(d, 'devices'))), at: d.at };
    });
    set('devices', devices.at);
  }
  const rules = get('device_cgroup_rules');
  if (rules) {
    spec.deviceCgroupRules = list(rules, 'device_cgroup_rules').map((r) => str(r, 'device_cgroup_rules'));
    set('deviceCgroupRules', rules.at);
  }
  const ports = get('ports');
  if (ports) {
    spec.ports = list(ports, 'ports').flatMap((p) => portsOf(p));
    set('ports', ports.at);
  }

  resourcesOf(spec, e, set);
  restartOf(spec, get('restart'), get('deploy'), set);

  const hc = get('healthcheck');
  if (hc) {
    const m = expectMap(hc, 'healthcheck');
    const disable = m.entries.get('disable');
    const test = m.entries.get('test');
    if (disable && bool(disable, 'healthcheck.disable')) spec.healthcheck = { test: ['NONE'], disabled: true };
    else if (test) {
      const t = test.kind === 'seq' ? test.items.map((i) => str(i, 'healthcheck.test')) : ['CMD-SHELL', str(test, 'healthcheck.test')];
      spec.healthcheck = { test: t, disabled: t[0] === 'NONE' };
    }
    if (spec.healthcheck) set('healthcheck', hc.at);
  }
  const cgroupParent = get('cgroup_parent');
  if (cgroupParent) {
    spec.cgroupParent = str(cgroupParent, 'cgroup_parent');
    set('cgroupParent', cgroupParent.at);
  }
  const env = get('environment');
  if (env) {
    // `NAME` without a value takes the variable from compose's environment, or is left out when unset.
    const entries = keyValues(env, 'environment');
    spec.env = entries.flatMap(({ key, value }) => {
      const v = value ?? names.env[key];
      return v === undefined ? [] : [`${key}=${v}`];
    });
    spec.envWritten = Object.fromEntries(entries.filter((kv) => kv.literal).map((kv) => [kv.key, kv.at]));
    set('env', env.at);
  }
  if (get('env_file')) warnings.push({ message: `env_file of service ${name} is not read: the variables in it are not checked`, at: get('env_file')?.at });
  const labels = get('labels');
  if (labels) {
    spec.labels = Object.fromEntries(keyValues(labels, 'labels').map(({ key, value }) => [key, value ?? '']));
    set('labels', labels.at);
  }
  const sysctls = get('sysctls');
  if (sysctls) {
    spec.sysctls = Object.fromEntries(keyValues(sysctls, 'sysctls').map(({ key, value }) => [key, value ?? '']));
    set('sysctls', sysctls.at);
  }
  if (get('volumes_from')) warnings.push({ message: `volumes_from of service ${name}: the mounts of those containers are inherited and not known here`, at: get('volumes_from')?.at });
  if (spec.restartPolicy.name === '') spec.restartPolicy.name = 'no';
  const fieldsSet = Object.keys(where) as ContainerField[];
  locateUnset(spec, svc.at);
  return { spec, set: fieldsSet };
}

function networksOf(spec: ContainerSpec, service: string, mode: LNode | undefined, networks: LNode | undefined, names: ProjectNames): void {
  if (mode) {
    const m = str(mode, 'network_mode');
    if (networks) throw locatedError(networks.at, `service ${service}: network_mode and networks cannot be used together`);
    // `service:db` is compose's name for sharing db's network namespace.
    spec.namespaces.network = m.startsWith('service:') ? `container:${names.project}-${m.slice(8)}-1` : m;
    spec.networks = m.startsWith('service:') || m.startsWith('container:') ? [] : [m];
    spec.where['namespaces.network'] = mode.at;
    spec.where.networks = mode.at;
    return;
  }
  let keys: string[] = ['default'];
  if (networks) {
    keys = networks.kind === 'map' ? [...networks.entries.keys()] : list(networks, 'networks').map((n) => str(n, 'networks'));
    for (const k of keys) if (k !== 'default' && !names.networks.has(k)) throw locatedError(networks.at, `service ${service} uses network "${k}", which the top-level networks: does not define`);
    spec.where.networks = networks.at;
    spec.where['namespaces.network'] = networks.at;
  }
  spec.networks = keys.map((k) => names.networks.get(k) ?? `${names.project}_${k}`);
  // Compose creates the container on its first network: that is its NetworkMode.
  spec.namespaces.network = spec.networks[0];
}

function volumesOf(n: LNode | undefined, names: ProjectNames): MountSpec[] {
  if (!n) return [];
  return list(n, 'volumes').map((v) => {
    if (v.kind === 'map') {
      const type = v.entries.get('type');
      const source = v.entries.get('source');
      const target = v.entries.get('target');
      if (!type || !target) throw locatedError(v.at, 'a volume in the long syntax needs type and target');
      const t = str(type, 'volumes.type');
      if (!['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image'].includes(t)) throw locatedError(type.at, `unknown volume type "${t}" (bind, volume, tmpfs, image...)`);
      let src = source ? str(source, 'volumes.source') : '';
      if (t === 'bind') src = hostPath(src, v.dir);
      else if (t === 'volume' && src !== '') src = names.volumes.get(src) ?? (declaredVolume(src, source as LNode));
      const ro = v.entries.get('read_only');
      const bind = v.entries.get('bind');
      const propagation = bind?.kind === 'map' ? bind.entries.get('propagation') : undefined;
      const m: MountSpec = { type: t as MountSpec['type'], source: src, target: str(target, 'volumes.target'), readOnly: ro ? bool(ro, 'volumes.read_only') : false, at: v.at };
      if (propagation) m.propagation = str(propagation, 'volumes.bind.propagation');
      const driver = t === 'volume' ? names.volumeDrivers?.get(src) : undefined;
      if (driver) m.volume = driver;
      return m;
    }
    const raw = str(v, 'volumes');
    const m = wrap(v, 'volumes', () => parseVolumeSpec(raw, (s) => /^[/.~]/.test(s)));
    if (m.type === 'bind') m.source = hostPath(m.source, v.dir);
    else if (m.source !== '') m.source = names.volumes.get(m.source) ?? declaredVolume(m.source, v);
    const driver = m.type === 'volume' ? names.volumeDrivers?.get(m.source) : undefined;
    return { ...m, ...(driver ? { volume: driver } : {}), at: v.at };
  });
}

function declaredVolume(name: string, at: LNode): never {
  throw locatedError(at.at, `named volume "${name}" is not declared in the top-level volumes:`);
}

function hostPath(src: string, dir: string): string {
  if (src.startsWith('~')) return src; // the home directory of whoever runs compose: unknown here
  return posix.resolve(dir, src);
}

function tmpfsOf(n: LNode | undefined): MountSpec[] {
  if (!n) return [];
  return strings(n, 'tmpfs').map(({ value, at }) => {
    const [target = '', options = ''] = value.split(/:(.*)/s);
    return { type: 'tmpfs' as const, source: '', target, readOnly: options.split(',').includes('ro'), at };
  });
}

function portsOf(p: LNode): PortSpec[] {
  if (p.kind === 'map') {
    const target = p.entries.get('target');
    if (!target) throw locatedError(p.at, 'a port in the long syntax needs target');
    const published = p.entries.get('published');
    const hostIp = p.entries.get('host_ip');
    const protocol = p.entries.get('protocol');
    const proto = (protocol ? str(protocol, 'ports.protocol') : 'tcp').toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw locatedError(protocol?.at ?? p.at, `invalid protocol "${proto}" (tcp, udp or sctp)`);
    const ip = hostIp ? str(hostIp, 'ports.host_ip') : '';
    return wrap(p, 'ports', () => publishRange(ip, published ? str(published, 'ports.published') : '', str(target, 'ports.target'), proto as PortSpec['protocol'], str(target, 'ports.target'))).map((x) => ({ ...x, at: p.at }));
  }
  return wrap(p, 'ports', () => parsePortSpec(str(p, 'ports'))).map((x) => ({ ...x, at: p.at }));
}

function resourcesOf(spec: ContainerSpec, e: Map<string, LNode>, set: (f: ContainerField, at: Location) => void): void {
  const r = spec.resources;
  const limits = (() => {
    const deploy = e.get('deploy');
    const res = deploy?.kind === 'map' ? deploy.entries.get('resources') : undefined;
    const l = res?.kind === 'map' ? res.entries.get('limits') : undefined;
    return l ? expectMap(l, 'deploy.resources.limits') : undefined;
  })();
  const memory = e.get('mem_limit') ?? limits?.entries.get('memory');
  if (memory) {
    r.memory = bytes(memory, 'mem_limit');
    set('resources.memory', memory.at);
  }
  const swap = e.get('memswap_limit');
  if (swap) {
    r.memorySwap = swap.kind === 'scalar' && typeof swap.value === 'number' ? swap.value : wrap(swap, 'memswap_limit', () => parseSwap(str(swap, 'memswap_limit')));
    set('resources.memorySwap', swap.at);
  }
  const shares = e.get('cpu_shares');
  if (shares) {
    r.cpuShares = int(shares, 'cpu_shares');
    set('resources.cpuShares', shares.at);
  }
  const cpus = e.get('cpus') ?? limits?.entries.get('cpus');
  if (cpus) {
    r.nanoCpus = wrap(cpus, 'cpus', () => parseNanoCpus(str(cpus, 'cpus')));
    set('resources.nanoCpus', cpus.at);
  }
  const quota = e.get('cpu_quota');
  if (quota) {
    r.cpuQuota = int(quota, 'cpu_quota');
    set('resources.cpuQuota', quota.at);
  }
  const cpuset = e.get('cpuset');
  if (cpuset) {
    r.cpusetCpus = str(cpuset, 'cpuset');
    set('resources.cpusetCpus', cpuset.at);
  }
  const pids = e.get('pids_limit') ?? limits?.entries.get('pids');
  if (pids) {
    r.pidsLimit = int(pids, 'pids_limit');
    set('resources.pidsLimit', pids.at);
  }
  const ulimits = e.get('ulimits');
  if (ulimits) {
    r.ulimits = [...expectMap(ulimits, 'ulimits').entries].map(([name, v]) => {
      wrap(v, 'ulimits', () => checkUlimitName(name));
      if (v.kind === 'map') {
        const soft = v.entries.get('soft');
        const hard = v.entries.get('hard');
        if (!soft || !hard) throw locatedError(v.at, `ulimits.${name} needs both soft and hard`);
        return { name, soft: int(soft, `ulimits.${name}.soft`), hard: int(hard, `ulimits.${name}.hard`), at: v.at };
      }
      const n = int(v, `ulimits.${name}`);
      return { name, soft: n, hard: n, at: v.at };
    });
    set('resources.ulimits', ulimits.at);
  }
}

/** Swarm's conditions and the engine's policies; Docker Compose also takes `unless-stopped` (and passes it to the engine as is). */
const CONDITIONS: Record<string, string> = { none: 'no', 'on-failure': 'on-failure', any: 'always', 'unless-stopped': 'unless-stopped' };

function restartOf(spec: ContainerSpec, restart: LNode | undefined, deploy: LNode | undefined, set: (f: ContainerField, at: Location) => void): void {
  if (restart) {
    spec.restartPolicy = wrap(restart, 'restart', () => parseRestartSpec(str(restart, 'restart')));
    set('restartPolicy', restart.at);
    return;
  }
  const policy = deploy?.kind === 'map' ? deploy.entries.get('restart_policy') : undefined;
  if (!policy) return;
  const m = expectMap(policy, 'deploy.restart_policy');
  const cond = m.entries.get('condition');
  const c = cond ? str(cond, 'deploy.restart_policy.condition') : 'any';
  if (!CONDITIONS[c]) throw locatedError(cond?.at ?? m.at, `invalid restart condition "${c}" (none, on-failure, any, unless-stopped)`);
  const attempts = m.entries.get('max_attempts');
  spec.restartPolicy = { name: CONDITIONS[c] as string, maxRetries: attempts ? int(attempts, 'deploy.restart_policy.max_attempts') : 0 };
  set('restartPolicy', policy.at);
}
