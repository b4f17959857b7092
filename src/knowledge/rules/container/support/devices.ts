import { severityRank, type Severity } from '../../../../models/finding.ts';
import type { DeviceNode } from '../../../../models/container-spec.ts';

export interface DeviceRisk {
  severity: Severity;
  what: string;
  /** Gives direct access to the host's disks or memory: writable, it is host root. */
  hostStorageOrMemory: boolean;
  /** Physical memory or I/O ports (needs SYS_RAWIO to use). */
  memory: boolean;
}

const MEMORY = /^\/dev\/(mem|kmem|port)$/;
/** Disks, partitions, device-mapper, loop, zram and network block devices, by their usual names. */
const BLOCK = /^\/dev\/((sd|hd|vd|xvd)[a-z]+\d*|nvme\d+(n\d+(p\d+)?)?|mmcblk\d+(p\d+)?|dm-\d+|md\d+|loop\d+|nbd\d+|sr\d+|zram\d+|ram\d+|rbd\d+|drbd\d+|bcache\d+|sg\d+|raw\/.*|mapper\/.+|disk\/.+|block\/.+)$/;
/** Nodes every container has anyway, and a few needed by ordinary workloads. */
const ORDINARY = /^\/dev\/(null|zero|full|random|urandom|tty|fuse|net\/tun|dri(\/.*)?|nvidia.*|snd(\/.*)?)$/;

/**
 * The path as a name: repeated slashes, `.` and `..` cleaned and the `/proc/PID/root` prefix (the
 * host's own root, seen through a process) removed, so `//dev/./vda` reads as `/dev/vda`.
 */
export function deviceName(hostPath: string): string {
  // The rules ask this of every mount on every decision, and nearly every path is clean already.
  if (isCleanAbsolute(hostPath) && !hostPath.startsWith('/proc/')) return hostPath;
  return cleanedDeviceName(hostPath);
}

/** deviceName's reading of any path, component by component (exported for the test that holds the shortcut to it). */
export function cleanedDeviceName(hostPath: string): string {
  const parts: string[] = [];
  for (const c of hostPath.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  let p = `/${parts.join('/')}`;
  for (let m = PROC_ROOT.exec(p); m; m = PROC_ROOT.exec(p)) p = m[2] ?? '/';
  return p;
}

const PROC_ROOT = /^\/proc\/(self|thread-self|\d+)\/root(\/.*)?$/;

/** Absolute, with no empty, `.` or `..` component and no trailing slash (`/` itself is clean). */
function isCleanAbsolute(p: string): boolean {
  if (p === '/') return true;
  return p.startsWith('/') && !p.endsWith('/') && !p.endsWith('/.') && !p.endsWith('/..') && !p.includes('//') && !p.includes('/./') && !p.includes('/../');
}

function byName(hostPath: string): DeviceRisk {
  const p = deviceName(hostPath);
  if (MEMORY.test(p)) return { severity: 'critical', what: 'physical memory or I/O ports of the host', hostStorageOrMemory: true, memory: true };
  if (BLOCK.test(p)) return { severity: 'high', what: 'a host block device: every file on it, read or written beneath the file system', hostStorageOrMemory: true, memory: false };
  if (p === '/dev/kmsg') return { severity: 'medium', what: "the host's kernel log", hostStorageOrMemory: false, memory: false };
  if (ORDINARY.test(p)) return { severity: 'low', what: 'a device commonly given to containers', hostStorageOrMemory: false, memory: false };
  return { severity: 'medium', what: 'a host device', hostStorageOrMemory: false, memory: false };
}

/** Character devices that reach disks or memory whatever their name: mem/kmem/port (1:1, 1:2, 1:4), SCSI generic (21), raw (162), device-mapper control (10:236). */
function byNode(n: DeviceNode): DeviceRisk | undefined {
  const id = `${n.major}:${n.minor}`;
  if (n.kind === 'block') return { severity: 'high', what: `a host block device (${n.path}, block ${id}): every file on it, read or written beneath the file system`, hostStorageOrMemory: true, memory: false };
  if (n.kind !== 'char') return undefined;
  if (n.major === 1 && [1, 2, 4].includes(n.minor ?? -1)) return { severity: 'critical', what: `physical memory or I/O ports of the host (${n.path}, char ${id})`, hostStorageOrMemory: true, memory: true };
  if (n.major === 21 || n.major === 162 || (n.major === 10 && n.minor === 236)) return { severity: 'high', what: `raw access to host disks (${n.path}, char ${id})`, hostStorageOrMemory: true, memory: false };
  return undefined;
}

/**
 * How dangerous a `--device` is: by what it is on the host where the door could look (`nodes`:
 * every node the path leads to), and by its name as written and as resolved; the worst counts.
 */
export function deviceRisk(hostPath: string, nodes?: readonly DeviceNode[]): DeviceRisk {
  const risks = [byName(hostPath), ...(nodes ?? []).flatMap((n) => [byNode(n) ?? byName(n.path)])];
  let worst = risks[0] as DeviceRisk;
  for (const r of risks.slice(1)) if (severityRank(r.severity) > severityRank(worst.severity) || (r.severity === worst.severity && r.hostStorageOrMemory && !worst.hostStorageOrMemory)) worst = r;
  return worst;
}

export interface CgroupRuleRisk {
  severity: Severity;
  what: string;
  /** Lets the container use (and, with MKNOD, create) nodes for the host's disks. */
  blockDevices: boolean;
}

/** `c 1:3 mr`, `b *:* rwm`, `a *:* rwm`: type, major:minor, access. */
export function cgroupRuleRisk(rule: string): CgroupRuleRisk {
  const m = /^\s*([abc])\s+(\*|\d+):(\*|\d+)\s+([rwm]+)\s*$/.exec(rule);
  if (!m) return { severity: 'medium', what: 'a device rule Moat cannot read', blockDevices: false };
  const [, type, major, , access = ''] = m;
  const writes = access.includes('w');
  if (type === 'a') return { severity: 'high', what: `every device (${access})`, blockDevices: writes };
  if (type === 'b') return { severity: writes ? 'high' : 'medium', what: `${major === '*' ? 'every block device' : `block devices of major ${major}`} (${access})`, blockDevices: writes };
  if (major === '*') return { severity: 'high', what: `every character device (${access})`, blockDevices: false };
  // Major 1 holds /dev/mem (1:1), /dev/kmem (1:2) and /dev/port (1:4).
  if (major === '1' && (m[3] === '*' || ['1', '2', '4'].includes(m[3] ?? ''))) return { severity: 'critical', what: `memory devices (c 1:${m[3]}, ${access})`, blockDevices: false };
  if (major === '21' || major === '162') return { severity: 'high', what: `raw access to host disks (c ${major}:${m[3]}, ${access})`, blockDevices: false };
  return { severity: 'medium', what: `character devices ${major}:${m[3]} (${access})`, blockDevices: false };
}

/** The device is on the allow list under every name it has: as written (cleaned) and every node it leads to. */
export function deviceAllowed(hostPath: string, nodes: readonly DeviceNode[] | undefined, allowed: readonly string[] | undefined): boolean {
  if (!allowed?.length) return false;
  const list = new Set(allowed.map(deviceName));
  return list.has(deviceName(hostPath)) && (nodes ?? []).every((n) => list.has(deviceName(n.path)));
}

/** `c  188:* rwm` and `c 188:* rwm` are one rule to dockerd's reader. */
export function cgroupRuleAllowed(rule: string, allowed: readonly string[] | undefined): boolean {
  const norm = (r: string): string => r.trim().replace(/\s+/g, ' ');
  return (allowed ?? []).some((a) => norm(a) === norm(rule));
}
