import type { Severity } from '../../../findings/finding.ts';

export interface DeviceRisk {
  severity: Severity;
  what: string;
  /** Gives direct access to the host's disks or memory: writable, it is host root. */
  hostStorageOrMemory: boolean;
}

const MEMORY = /^\/dev\/(mem|kmem|port)$/;
/** Disks, partitions, device-mapper and loop devices, by their usual names. */
const BLOCK = /^\/dev\/((sd|hd|vd|xvd)[a-z]+\d*|nvme\d+(n\d+(p\d+)?)?|mmcblk\d+(p\d+)?|dm-\d+|md\d+|loop\d+|nbd\d+|sr\d+|mapper\/.+|disk\/.+)$/;
/** Nodes every container has anyway, and a few needed by ordinary workloads. */
const ORDINARY = /^\/dev\/(null|zero|full|random|urandom|tty|fuse|net\/tun|dri(\/.*)?|nvidia.*|snd(\/.*)?)$/;

export function deviceRisk(hostPath: string): DeviceRisk {
  const p = hostPath.replace(/\/+$/, '');
  if (MEMORY.test(p)) return { severity: 'critical', what: 'physical memory or I/O ports of the host', hostStorageOrMemory: true };
  if (BLOCK.test(p)) return { severity: 'high', what: 'a host block device: every file on it, read or written beneath the file system', hostStorageOrMemory: true };
  if (p === '/dev/kmsg') return { severity: 'medium', what: "the host's kernel log", hostStorageOrMemory: false };
  if (ORDINARY.test(p)) return { severity: 'low', what: 'a device commonly given to containers', hostStorageOrMemory: false };
  return { severity: 'medium', what: 'a host device', hostStorageOrMemory: false };
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
  return { severity: 'medium', what: `character devices ${major}:${m[3]} (${access})`, blockDevices: false };
}
