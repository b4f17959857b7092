/**
 * Value syntaxes every door shares, read the way the engine and the docker CLI read them
 * (docker/go-units, docker/go-connections nat, moby's Linux mount parser), so that `64m`,
 * `8080-8090:80-90` or `/src:/dst:ro,rshared` mean the same from argv, YAML or JSON.
 * They throw `ValueError` with what was wrong; the door adds where.
 */
import type { DeviceSpec, MountSpec, PortSpec, RestartPolicy, Ulimit } from '../../models/container-spec.ts';

export class ValueError extends Error {
  override name = 'ValueError';
}

const BYTES = /^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$/i;
const BINARY: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: `64m`, `1.5g`, `512MiB`, `1024` (binary multiples, case-insensitive). */
export function parseBytes(text: string): number {
  const m = BYTES.exec(text.trim());
  if (!m) throw new ValueError(`invalid size "${text}" (use a number with an optional unit b, k, m, g, t or p, e.g. 512m)`);
  const n = Number.parseFloat(m[1] ?? '');
  if (!Number.isFinite(n)) throw new ValueError(`invalid size "${text}"`);
  return Math.trunc(n * (BINARY[(m[2] ?? '').toLowerCase()] ?? 1));
}

/** `--memory-swap`: a size, or -1 for unlimited swap. */
export function parseSwap(text: string): number {
  return text.trim() === '-1' ? -1 : parseBytes(text);
}

/** `--cpus 1.5` → NanoCpus 1500000000; like the CLI, more than nine decimals is an error, not a rounding. */
export function parseNanoCpus(text: string): number {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw new ValueError(`invalid number of CPUs "${text}" (e.g. 1.5)`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > 9) throw new ValueError(`number of CPUs "${text}" is too precise (at most 9 decimals)`);
  return Number(m[1] || '0') * 1e9 + Number(frac.padEnd(9, '0') || '0');
}

/** A decimal integer as Go's strconv.ParseInt(s, 10, 64) reads it. */
export function parseInteger(text: string, what: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new ValueError(`invalid ${what} "${text}" (expected an integer)`);
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw new ValueError(`${what} "${text}" is out of range`);
  return n;
}

function portRange(text: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new ValueError(`invalid ${what} "${text}" (expected a port number or a range like 8000-8010)`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535) throw new ValueError(`${what} "${text}" is out of range (0-65535)`);
  if (end < start) throw new ValueError(`invalid ${what} range "${text}": the end is below the start`);
  return [start, end];
}

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

function protocolOf(text: string): PortSpec['protocol'] {
  const p = text.toLowerCase();
  if (!PROTOCOLS.has(p)) throw new ValueError(`invalid protocol "${text}" (tcp, udp or sctp)`);
  return p as PortSpec['protocol'];
}

function hostAddress(raw: string): string {
  const ip = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (ip !== '' && !isIpAddress(ip)) throw new ValueError(`invalid host IP address "${raw}"`);
  return ip;
}

export function isIpAddress(s: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s)) return s.split('.').every((o) => Number(o) <= 255 && !/^0\d/.test(o));
  if (!/^[0-9a-f:.]+$/i.test(s) || !s.includes(':')) return false;
  const double = s.split('::');
  if (double.length > 2) return false;
  const groups = s.split(':').filter((g) => g !== '');
  const v4tail = groups.at(-1)?.includes('.') ?? false;
  if (v4tail && !isIpAddress(groups.at(-1) ?? '')) return false;
  const count = groups.length + (v4tail ? 1 : 0);
  return groups.every((g) => g.includes('.') || /^[0-9a-f]{1,4}$/i.test(g)) && (double.length === 2 ? count < 8 : count === 8);
}

/**
 * `-p` / compose short syntax: `[ip:][hostPort:]containerPort[/proto]`, with ranges on
 * either side (`8080-8090:80-90`) and bracketed IPv6 (`[::1]:80:80`). One PortSpec per
 * container port, as the engine stores them.
 */
export function parsePortSpec(raw: string): PortSpec[] {
  const parts = raw.split(':');
  const n = parts.length;
  const last = parts[n - 1] ?? '';
  const rawIp = n >= 3 ? parts.slice(0, n - 2).join(':') : '';
  const hostPort = n >= 2 ? (parts[n - 2] ?? '') : '';
  const slash = last.indexOf('/');
  const containerPort = slash < 0 ? last : last.slice(0, slash);
  const protocol = protocolOf(slash < 0 ? 'tcp' : last.slice(slash + 1));
  const hostIp = hostAddress(rawIp);
  if (containerPort === '') throw new ValueError(`no container port in "${raw}"`);
  return publishRange(hostIp, hostPort, containerPort, protocol, raw);
}

/** Shared by the short and long port syntaxes once ip, host and container sides are known. */
export function publishRange(hostIp: string, hostPort: string, containerPort: string, protocol: PortSpec['protocol'], raw: string): PortSpec[] {
  const [cStart, cEnd] = portRange(containerPort, 'container port');
  const [hStart, hEnd] = hostPort === '' ? [0, 0] : portRange(hostPort, 'host port');
  if (hostPort !== '' && cEnd - cStart !== hEnd - hStart && cEnd !== cStart) {
    throw new ValueError(`"${raw}": the host range ${hostPort} and the container range ${containerPort} differ in size`);
  }
  const out: PortSpec[] = [];
  for (let i = 0; i <= cEnd - cStart; i++) {
    const p: PortSpec = { containerPort: cStart + i, protocol, hostIp };
    if (hostPort !== '') {
      if (cStart === cEnd && hStart !== hEnd) {
        p.hostPort = hStart;
        p.hostPortEnd = hEnd;
      } else p.hostPort = hStart + i;
    }
    out.push(p);
  }
  return out;
}

const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const BIND_MODES = new Set(['rw', 'ro', 'z', 'Z', 'nocopy', 'consistent', 'cached', 'delegated', ...PROPAGATIONS]);
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

function validMode(mode: string): boolean {
  return mode !== '' && mode.split(',').every((m) => BIND_MODES.has(m));
}

/**
 * `-v` / `HostConfig.Binds` on Linux (moby's linuxParser): `dst`, `src:dst` or
 * `src:dst:mode`, where an absolute `src` is a bind and anything else a volume name.
 * `isHostPath` lets the compose door add its own relative-path rule (`./data`).
 */
export function parseVolumeSpec(raw: string, isHostPath: (src: string) => boolean = (s) => s.startsWith('/')): MountSpec {
  const arr = raw.split(':');
  if (arr[0] === '' || arr.length > 3) throw new ValueError(`invalid volume specification "${raw}" (expected [source:]target[:mode])`);
  let source = '';
  let target: string;
  let mode = '';
  if (arr.length === 1) target = arr[0] ?? '';
  else if (arr.length === 2) {
    if (validMode(arr[1] ?? '')) throw new ValueError(`invalid volume specification "${raw}": an anonymous volume takes no mode`);
    [source, target] = [arr[0] ?? '', arr[1] ?? ''];
  } else {
    [source, target, mode] = [arr[0] ?? '', arr[1] ?? '', arr[2] ?? ''];
    if (!validMode(mode)) throw new ValueError(`invalid mode "${mode}" in volume "${raw}" (rw, ro, z, Z, nocopy, or a propagation such as rslave)`);
  }
  if (!target.startsWith('/')) throw new ValueError(`invalid volume "${raw}": the target ${target} is not an absolute path`);
  if (target.replace(/\/+$/, '') === '') throw new ValueError(`invalid volume "${raw}": the target cannot be /`);
  const bind = source !== '' && isHostPath(source);
  if (source !== '' && !bind && !VOLUME_NAME.test(source)) {
    throw new ValueError(`invalid volume "${raw}": "${source}" is neither an absolute host path nor a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]+)`);
  }
  const opts = mode === '' ? [] : mode.split(',');
  const m: MountSpec = { type: bind ? 'bind' : 'volume', source, target, readOnly: opts.includes('ro') };
  const propagation = opts.find((o) => PROPAGATIONS.has(o));
  if (propagation) m.propagation = propagation;
  return m;
}

/** encoding/csv's reading of one record: fields split on commas, double quotes group and `""` escapes. */
export function splitCsv(raw: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quoted) {
      if (c === '"' && raw[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) throw new ValueError(`unterminated quote in "${raw}"`);
  out.push(field);
  return out;
}

const MOUNT_TYPES = new Set<MountSpec['type']>(['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image']);
const MOUNT_KEYS = new Set([
  'type', 'source', 'src', 'target', 'destination', 'dst', 'readonly', 'ro', 'bind-propagation', 'bind-nonrecursive', 'bind-recursive',
  'bind-create-host-path', 'volume-driver', 'volume-opt', 'volume-nocopy', 'volume-subpath', 'volume-label', 'tmpfs-size', 'tmpfs-mode',
  'consistency', 'image-subpath',
]);

function csvBool(key: string, value: string | undefined): boolean {
  if (value === undefined) return true;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ValueError(`invalid value "${value}" for ${key} (true or false)`);
}

/** `--mount type=bind,source=/x,target=/y,readonly,bind-propagation=rshared` (the CLI's MountOpt). */
export function parseMountSpec(raw: string): MountSpec {
  const m: MountSpec = { type: 'volume', source: '', target: '', readOnly: false };
  for (const field of splitCsv(raw)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    if (!MOUNT_KEYS.has(key)) throw new ValueError(`unknown --mount key "${key}" in "${raw}"`);
    if (value === undefined && key !== 'readonly' && key !== 'ro' && key !== 'volume-nocopy' && key !== 'bind-nonrecursive') {
      throw new ValueError(`--mount key "${key}" needs a value (${key}=...) in "${raw}"`);
    }
    switch (key) {
      case 'type':
        if (!MOUNT_TYPES.has(value as MountSpec['type'])) throw new ValueError(`unknown mount type "${value}" (bind, volume, tmpfs, image...)`);
        m.type = value as MountSpec['type'];
        break;
      case 'source':
      case 'src':
        m.source = value ?? '';
        break;
      case 'target':
      case 'destination':
      case 'dst':
        m.target = value ?? '';
        break;
      case 'readonly':
      case 'ro':
        m.readOnly = csvBool(key, value);
        break;
      case 'bind-propagation':
        if (!PROPAGATIONS.has(value ?? '')) throw new ValueError(`invalid bind-propagation "${value}" (shared, rshared, slave, rslave, private, rprivate)`);
        m.propagation = value;
        break;
      // The CLI sends these as VolumeOptions.DriverConfig: what a local volume mounts (models/local-volume.ts).
      case 'volume-driver':
        m.volume = { driver: value ?? '', options: m.volume?.options ?? {} };
        break;
      case 'volume-opt': {
        const v = value ?? '';
        const at = v.indexOf('=');
        m.volume ??= { driver: '', options: {} };
        m.volume.options[at < 0 ? v : v.slice(0, at)] = at < 0 ? '' : v.slice(at + 1);
        break;
      }
      default:
        break;
    }
  }
  if (m.target === '') throw new ValueError(`--mount "${raw}" has no target (target=/path)`);
  if (m.type === 'bind' && m.source === '') throw new ValueError(`--mount "${raw}": a bind mount needs a source`);
  return m;
}

const DEVICE_MODE = /^(?!.*(.).*\1)[rwm]{1,3}$/;

/** `--device /dev/x[:/dev/y][:rwm]` (the CLI's parseDevice). */
export function parseDeviceSpec(raw: string): DeviceSpec {
  const arr = raw.split(':');
  if (arr.length > 3 || arr[0] === '') throw new ValueError(`invalid device "${raw}" (expected host-path[:container-path][:permissions])`);
  let containerPath = '';
  let permissions = 'rwm';
  if (arr.length === 3) {
    permissions = arr[2] ?? '';
    containerPath = arr[1] ?? '';
    if (!DEVICE_MODE.test(permissions)) throw new ValueError(`invalid device permissions "${permissions}" in "${raw}" (any of r, w, m)`);
  } else if (arr.length === 2) {
    if (DEVICE_MODE.test(arr[1] ?? '')) permissions = arr[1] ?? '';
    else containerPath = arr[1] ?? '';
  }
  const hostPath = arr[0] ?? '';
  return { hostPath, containerPath: containerPath || hostPath, permissions };
}

const ULIMITS = new Set(['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack']);

export function checkUlimitName(name: string): void {
  if (!ULIMITS.has(name)) throw new ValueError(`unknown ulimit "${name}" (${[...ULIMITS].join(', ')})`);
}

/** `--ulimit nofile=1024:2048` (go-units ParseUlimit); one value sets both limits. */
export function parseUlimitSpec(raw: string): Ulimit {
  const eq = raw.indexOf('=');
  if (eq < 0) throw new ValueError(`invalid ulimit "${raw}" (expected name=soft[:hard])`);
  const name = raw.slice(0, eq);
  checkUlimitName(name);
  const [softText, hardText, extra] = raw.slice(eq + 1).split(':');
  if (extra !== undefined) throw new ValueError(`invalid ulimit "${raw}" (expected name=soft[:hard])`);
  const soft = parseInteger(softText ?? '', `ulimit ${name}`);
  const hard = hardText === undefined ? soft : parseInteger(hardText, `ulimit ${name}`);
  if (soft > hard) throw new ValueError(`ulimit "${raw}": the soft limit ${soft} is above the hard limit ${hard}`);
  return { name, soft, hard };
}

const RESTARTS = new Set(['no', 'always', 'unless-stopped', 'on-failure']);

/** `--restart on-failure:5` (the CLI's ParseRestartPolicy). */
export function parseRestartSpec(raw: string): RestartPolicy {
  const [name = '', count, extra] = raw.split(':');
  if (!RESTARTS.has(name) || extra !== undefined) throw new ValueError(`invalid restart policy "${raw}" (no, always, unless-stopped, on-failure[:max-retries])`);
  if (count !== undefined && name !== 'on-failure') throw new ValueError(`restart policy "${name}" takes no retry count ("${raw}")`);
  const maxRetries = count === undefined ? 0 : parseInteger(count, 'restart retry count');
  if (maxRetries < 0) throw new ValueError(`invalid restart retry count "${count}" (must not be negative)`);
  return { name, maxRetries };
}

/** `KEY=value` (or `KEY`, which means an empty value for labels and "from the environment" for env). */
export function splitKeyValue(raw: string): [string, string | undefined] {
  const eq = raw.indexOf('=');
  return eq < 0 ? [raw, undefined] : [raw.slice(0, eq), raw.slice(eq + 1)];
}
