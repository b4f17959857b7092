/**
 * The create-request door: the JSON body of `POST /containers/create` (what dockerd hands
 * an authorization plugin) → ContainerSpec, read as dockerd reads it (go-json.ts for the
 * decoding, getHostConfig and the Binds/Mounts/Volumes parsing for the meaning), each field
 * located by its JSON path as written. Anything it cannot read is a MoatError, never a
 * guess: the plugin that calls it denies on error.
 */
import type { ContainerSpec, MountSpec, PortSpec } from '../../models/container-spec.ts';
import { withLocalVolumeBinds } from '../../models/local-volume.ts';
import { normalizeCapabilities, parsePortKey, parseSecurityOpts } from '../../models/normalize.ts';
import { MoatError } from '../../util/errors.ts';
import { blankSpec, type DoorWarning } from '../common/spec.ts';
import { ValueError, parseVolumeSpec } from '../common/values.ts';
import { GoJsonError, decodeGoJson, field, sliceItems, type GoSlice, type GoStruct } from '../../util/go-json.ts';
import { LEGACY_TOP_LEVEL, createBodyType } from './schema.ts';

export interface CreateRequestOptions {
  /** The request's query string (`name=web&platform=linux`), or its parsed form. */
  query?: string | URLSearchParams | Readonly<Record<string, string>>;
}

export interface CreateRequestSpec {
  spec: ContainerSpec;
  /**
   * Things a well-behaved client never sends: keys in another case, repeated keys, HostConfig
   * fields at the top level. The spec already reads them as dockerd does; an enforcing
   * plugin may still want to deny them.
   */
  warnings: DoorWarning[];
  /** The body as dockerd decodes it, for callers that read fields the spec does not model (the enforce plugin reads mounts' VolumeOptions). */
  decoded: GoStruct;
}

// Go replaces invalid UTF-8 with U+FFFD rather than failing, and so does a non-fatal TextDecoder (one, kept: stateless between whole decodes).
const UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

const MOUNT_TYPES = new Set<MountSpec['type']>(['bind', 'volume', 'tmpfs', 'npipe', 'cluster']);

/** `body`: the request body (bytes as the plugin received them, or text). */
export function containerFromCreateRequest(body: string | Uint8Array, opts: CreateRequestOptions = {}): CreateRequestSpec {
  const text = typeof body === 'string' ? body : UTF8.decode(body);
  let root: GoStruct;
  try {
    root = decodeGoJson(text, createBodyType) as GoStruct;
  } catch (e) {
    if (e instanceof GoJsonError) throw new MoatError('config', `create request${e.path ? ` at ${e.path}` : ''}: ${e.message}`);
    throw e;
  }
  try {
    return toSpec(root, queryName(opts.query));
  } catch (e) {
    if (e instanceof ValueError || e instanceof GoJsonError) throw new MoatError('config', `create request${e instanceof GoJsonError && e.path ? ` at ${e.path}` : ''}: ${e.message}`);
    throw e;
  }
}

function queryName(q: CreateRequestOptions['query']): string {
  if (q === undefined) return '';
  if (typeof q === 'string') return new URLSearchParams(q.replace(/^.*\?/, '')).get('name') ?? '';
  if (q instanceof URLSearchParams) return q.get('name') ?? '';
  return q.name ?? '';
}

interface HostConfigView {
  s: GoStruct | undefined;
  /** Path prefix the chosen HostConfig's fields were read at ('' for top-level ones). */
  get<T>(name: string): T | undefined;
  path(name: string): string;
}

/**
 * dockerd's ContainerConfigWrapper.getHostConfig: `HostConfig` if present (with five
 * resource fields taken from the top level when it leaves them zero), else the
 * HostConfig fields written at the top level.
 */
function hostConfigOf(root: GoStruct, warnings: DoorWarning[]): HostConfigView {
  const inner = field<GoStruct>(root, 'HostConfig');
  const topLevel = [...root.paths.keys()].filter((k) => isHostConfigField(k));
  if (topLevel.length) {
    warnings.push({ message: `HostConfig fields at the top level of the body (${topLevel.map((k) => root.paths.get(k)).join(', ')}): dockerd ${inner ? 'still takes some resource limits from there' : 'applies them as the HostConfig'}`, at: { path: root.paths.get(topLevel[0] as string) ?? '' } });
  }
  if (!inner) {
    return { s: root, get: (n) => field(root, n), path: (n) => root.paths.get(n) ?? `HostConfig.${n}` };
  }
  const legacy = new Set<string>();
  for (const name of LEGACY_TOP_LEVEL) {
    const top = field<number | string>(root, name);
    const own = field<number | string>(inner, name);
    if (top && !own) legacy.add(name);
  }
  return {
    s: inner,
    get: (n) => (legacy.has(n) ? field(root, n) : field(inner, n)),
    path: (n) => (legacy.has(n) ? root.paths.get(n) : inner.paths.get(n)) ?? absentPath(root.paths.get('HostConfig') ?? 'HostConfig', n),
  };
}

/** Where an absent HostConfig field would be written: one string per field name for the usual spelling, rather than one per request. */
const HOST_CONFIG_PATHS = new Map<string, string>();
function absentPath(hostConfig: string, name: string): string {
  if (hostConfig !== 'HostConfig') return `${hostConfig}.${name}`;
  let p = HOST_CONFIG_PATHS.get(name);
  if (p === undefined) {
    p = `HostConfig.${name}`;
    // Only the door's own field names come here (a bounded set), never a key from the request.
    HOST_CONFIG_PATHS.set(name, p);
  }
  return p;
}

/** A decoded map as a plain object, as Object.fromEntries makes it (a `__proto__` key an own property too), without its iterator protocol. */
function recordOf(m: Map<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  m?.forEach((v, k) => {
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  });
  return out;
}

const HOST_CONFIG_ONLY = new Set([
  'Binds', 'NetworkMode', 'PortBindings', 'RestartPolicy', 'CapAdd', 'CapDrop', 'CgroupnsMode', 'IpcMode', 'PidMode', 'Privileged', 'PublishAllPorts',
  'ReadonlyRootfs', 'SecurityOpt', 'Tmpfs', 'UTSMode', 'UsernsMode', 'Sysctls', 'Mounts', 'CpuShares', 'Memory', 'NanoCpus', 'CgroupParent', 'CpuQuota',
  'CpusetCpus', 'Devices', 'DeviceCgroupRules', 'MemorySwap', 'PidsLimit', 'Ulimits', 'VolumeDriver', 'MaskedPaths', 'ReadonlyPaths',
]);

function isHostConfigField(name: string): boolean {
  return HOST_CONFIG_ONLY.has(name);
}

// The `where` keys written out rather than made per request: a key built by a template is a new
// string each time, which the property store must intern (a third of toSpec's time).
const NAMESPACE_FIELDS = [
  ['pid', 'PidMode', 'namespaces.pid'], ['ipc', 'IpcMode', 'namespaces.ipc'], ['uts', 'UTSMode', 'namespaces.uts'], ['userns', 'UsernsMode', 'namespaces.userns'],
  ['cgroupns', 'CgroupnsMode', 'namespaces.cgroupns'], ['network', 'NetworkMode', 'namespaces.network'],
] as const;
const RESOURCE_FIELDS = [
  ['resources.memory', 'Memory'], ['resources.memorySwap', 'MemorySwap'], ['resources.cpuShares', 'CpuShares'], ['resources.nanoCpus', 'NanoCpus'],
  ['resources.cpuQuota', 'CpuQuota'], ['resources.cpusetCpus', 'CpusetCpus'], ['resources.pidsLimit', 'PidsLimit'], ['resources.ulimits', 'Ulimits'],
] as const;

function toSpec(root: GoStruct, name: string): CreateRequestSpec {
  const warnings: DoorWarning[] = [];
  const hc = hostConfigOf(root, warnings);
  const spec = blankSpec('request', name ? `request#${name}` : 'request', name);
  const where = spec.where;
  const str = (n: string): string | undefined => hc.get<string>(n);

  spec.image = field<string>(root, 'Image') ?? '';
  where.image = { path: root.paths.get('Image') ?? 'Image' };
  const user = field<string>(root, 'User');
  if (user) spec.user = user;
  where.user = { path: root.paths.get('User') ?? 'User' };

  spec.privileged = hc.get<boolean>('Privileged') === true;
  where.privileged = { path: hc.path('Privileged') };
  spec.capAdd = normalizeCapabilities(hc.get<string[]>('CapAdd'));
  where.capAdd = { path: hc.path('CapAdd') };
  spec.capDrop = normalizeCapabilities(hc.get<string[]>('CapDrop'));
  where.capDrop = { path: hc.path('CapDrop') };
  spec.security = parseSecurityOpts(sliceItems<string>(hc.get('SecurityOpt')));
  const secAt = { path: hc.path('SecurityOpt') };
  for (const f of ['security', 'security.seccomp', 'security.apparmor', 'security.noNewPrivileges', 'security.selinuxLabels', 'security.selinuxDisabled'] as const) where[f] = secAt;

  for (const [key, goName, whereKey] of NAMESPACE_FIELDS) {
    const v = str(goName);
    if (v !== undefined && v !== '') spec.namespaces[key] = v;
    where[whereKey] = { path: hc.path(goName) };
  }
  // SetDefaultNetModeIfBlank.
  spec.namespaces.network ??= 'default';

  spec.mounts = withLocalVolumeBinds(mountsOf(root, hc));
  where.mounts = { path: hc.path('Mounts') };
  // dockerd's adaptContainerSettings: a nil list (absent or null) gets the defaults, an empty one stays empty.
  const masked = hc.get<GoSlice>('MaskedPaths');
  const readonly = hc.get<GoSlice>('ReadonlyPaths');
  if (masked !== undefined || readonly !== undefined) {
    spec.systemPaths = { ...(masked ? { masked: sliceItems<string>(masked) } : {}), ...(readonly ? { readonly: sliceItems<string>(readonly) } : {}) };
  }
  where.systemPaths = { path: hc.path(readonly !== undefined || masked === undefined ? 'ReadonlyPaths' : 'MaskedPaths') };

  spec.devices = sliceItems<GoStruct>(hc.get('Devices')).map((d, i) => {
    const hostPath = field<string>(d, 'PathOnHost') ?? '';
    return {
      hostPath,
      containerPath: field<string>(d, 'PathInContainer') || hostPath,
      permissions: field<string>(d, 'CgroupPermissions') || 'rwm',
      at: { path: `${hc.path('Devices')}[${i}]` },
    };
  });
  where.devices = { path: hc.path('Devices') };
  spec.deviceCgroupRules = sliceItems<string>(hc.get('DeviceCgroupRules'));
  where.deviceCgroupRules = { path: hc.path('DeviceCgroupRules') };

  spec.ports = portsOf(hc);
  where.ports = { path: hc.path('PortBindings') };
  spec.publishAllPorts = hc.get<boolean>('PublishAllPorts') === true;
  where.publishAllPorts = { path: hc.path('PublishAllPorts') };

  const endpoints = field<Map<string, unknown>>(field<GoStruct>(root, 'NetworkingConfig'), 'EndpointsConfig');
  const mode = spec.namespaces.network;
  spec.networks = endpoints?.size ? [...endpoints.keys()] : mode.startsWith('container:') ? [] : [mode === 'default' ? 'bridge' : mode];
  where.networks = { path: root.paths.get('NetworkingConfig') ?? hc.path('NetworkMode') };

  const r = spec.resources;
  const num = (n: string): number | undefined => hc.get<number>(n) || undefined;
  r.memory = num('Memory');
  r.memorySwap = num('MemorySwap');
  r.cpuShares = num('CpuShares');
  r.nanoCpus = num('NanoCpus');
  r.cpuQuota = num('CpuQuota');
  r.cpusetCpus = str('CpusetCpus') || undefined;
  r.pidsLimit = hc.get<number>('PidsLimit') ?? undefined;
  for (const [whereKey, goName] of RESOURCE_FIELDS) where[whereKey] = { path: hc.path(goName) };
  r.ulimits = sliceItems<GoStruct | undefined>(hc.get('Ulimits')).flatMap((u, i) => {
    if (!u) return [];
    return [{ name: field<string>(u, 'Name') ?? '', soft: field<number>(u, 'Soft') ?? 0, hard: field<number>(u, 'Hard') ?? 0, at: { path: `${hc.path('Ulimits')}[${i}]` } }];
  });

  spec.readOnlyRootfs = hc.get<boolean>('ReadonlyRootfs') === true;
  where.readOnlyRootfs = { path: hc.path('ReadonlyRootfs') };
  const rp = hc.get<GoStruct>('RestartPolicy');
  spec.restartPolicy = { name: field<string>(rp, 'Name') ?? '', maxRetries: field<number>(rp, 'MaximumRetryCount') ?? 0 };
  where.restartPolicy = { path: hc.path('RestartPolicy') };
  const test = sliceItems<string>(field(field<GoStruct>(root, 'Healthcheck'), 'Test'));
  if (test.length) spec.healthcheck = { test, disabled: test[0] === 'NONE' };
  where.healthcheck = { path: root.paths.get('Healthcheck') ?? 'Healthcheck' };
  const cgroupParent = str('CgroupParent');
  if (cgroupParent) spec.cgroupParent = cgroupParent;
  where.cgroupParent = { path: hc.path('CgroupParent') };
  spec.env = sliceItems<string>(field(root, 'Env'));
  where.env = { path: root.paths.get('Env') ?? 'Env' };
  spec.labels = recordOf(field<Map<string, string>>(root, 'Labels'));
  where.labels = { path: root.paths.get('Labels') ?? 'Labels' };
  const sysctls = hc.get<Map<string, string>>('Sysctls');
  if (sysctls?.size) spec.sysctls = recordOf(sysctls);
  where.sysctls = { path: hc.path('Sysctls') };

  for (const s of structsOf(root)) for (const o of s.oddities) warnings.push({ message: o, at: { path: o.split(' ')[0] ?? '' } });
  return { spec, warnings, decoded: root };
}

/** `HostConfig.Binds`, `HostConfig.Mounts`, `HostConfig.Tmpfs` and anonymous `Volumes`, as dockerd turns them into mounts. */
function mountsOf(root: GoStruct, hc: HostConfigView): MountSpec[] {
  const out: MountSpec[] = [];
  for (const [i, bind] of sliceItems<string>(hc.get('Binds')).entries()) {
    const at = `${hc.path('Binds')}[${i}]`;
    try {
      const m = parseVolumeSpec(bind);
      out.push({ ...m, at: { path: at } });
    } catch (e) {
      if (e instanceof ValueError) throw new GoJsonError(at, e.message);
      throw e;
    }
  }
  for (const [i, m] of sliceItems<GoStruct>(hc.get('Mounts')).entries()) {
    const at = `${hc.path('Mounts')}[${i}]`;
    const type = field<string>(m, 'Type') ?? '';
    if (!MOUNT_TYPES.has(type as MountSpec['type'])) throw new GoJsonError(`${at}.Type`, `unknown mount type "${type}" (dockerd accepts bind, volume, tmpfs, npipe, cluster)`);
    const target = field<string>(m, 'Target') ?? '';
    const propagation = field<string>(field<GoStruct>(m, 'BindOptions'), 'Propagation');
    const dc = type === 'volume' ? field<GoStruct>(field<GoStruct>(m, 'VolumeOptions'), 'DriverConfig') : undefined;
    const volume = dc ? { driver: field<string>(dc, 'Name') ?? '', options: recordOf(field<Map<string, string>>(dc, 'Options')) } : undefined;
    out.push({
      type: type as MountSpec['type'],
      source: field<string>(m, 'Source') ?? '',
      target,
      readOnly: field<boolean>(m, 'ReadOnly') === true,
      ...(propagation ? { propagation } : {}),
      ...(volume ? { volume } : {}),
      at: { path: volume ? `${at}.VolumeOptions.DriverConfig` : at },
    });
  }
  for (const [target, options] of hc.get<Map<string, string>>('Tmpfs') ?? []) {
    out.push({ type: 'tmpfs', source: '', target, readOnly: options.split(',').includes('ro'), at: { path: `${hc.path('Tmpfs')}[${JSON.stringify(target)}]` } });
  }
  for (const target of field<Map<string, unknown>>(root, 'Volumes')?.keys() ?? []) {
    if (!out.some((m) => m.target === target)) out.push({ type: 'volume', source: '', target, readOnly: false, at: { path: `${root.paths.get('Volumes') ?? 'Volumes'}[${JSON.stringify(target)}]` } });
  }
  return out;
}

function portsOf(hc: HostConfigView): PortSpec[] {
  const out: PortSpec[] = [];
  for (const [key, bindings] of hc.get<Map<string, unknown>>('PortBindings') ?? []) {
    const at = `${hc.path('PortBindings')}[${JSON.stringify(key)}]`;
    const parsed = parsePortKey(key);
    if (!parsed) throw new GoJsonError(at, `"${key}" is not a port (expected PORT[/tcp|udp|sctp])`);
    for (const [i, b] of sliceItems<GoStruct>(bindings).entries()) {
      const hostPort = field<string>(b, 'HostPort') ?? '';
      const m = /^(\d+)(?:-(\d+))?$/.exec(hostPort);
      if (hostPort !== '' && !m) throw new GoJsonError(`${at}[${i}].HostPort`, `"${hostPort}" is not a port or a port range`);
      const p: PortSpec = { containerPort: parsed.port, protocol: parsed.protocol, hostIp: field<string>(b, 'HostIp') ?? '', at: { path: `${at}[${i}]` } };
      if (m) {
        p.hostPort = Number(m[1]);
        if (m[2] !== undefined && m[2] !== m[1]) p.hostPortEnd = Number(m[2]);
      }
      out.push(p);
    }
  }
  return out;
}

/** Every decoded struct in the body, for their oddities. */
function structsOf(root: GoStruct): GoStruct[] {
  const out: GoStruct[] = [];
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    if (v instanceof Map) {
      for (const x of v.values()) visit(x);
      return;
    }
    const s = v as Partial<GoStruct> & { items?: unknown[] };
    if (s.fields instanceof Map) {
      out.push(s as GoStruct);
      for (const x of s.fields.values()) visit(x);
    } else if (Array.isArray(s.items)) for (const x of s.items) visit(x);
  };
  visit(root);
  return out;
}
