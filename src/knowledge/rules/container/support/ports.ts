import type { PortSpec } from '../../../../models/container-spec.ts';
import { codePointOrder } from '../../../../util/compare.ts';

/** `127.0.0.1:8080->80/tcp`, `*:8080->80/tcp` for all interfaces, `:ephemeral` when the engine picks. */
export function describePort(p: PortSpec): string {
  const ip = p.hostIp === '' ? '*' : p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `${ip}:${p.hostPort ? p.hostPort : 'ephemeral'}->${p.containerPort}/${p.protocol}`;
}

/** Bound to every interface: no address, or the IPv4/IPv6 wildcard. */
export function onAllInterfaces(hostIp: string): boolean {
  return ['', '0.0.0.0', '::', '[::]'].includes(hostIp.trim());
}

/** One publishing as written (`-p 8000-8100:8000-8100`), which the doors and the engine hold port by port. */
export interface PortMapping {
  first: PortSpec;
  last: PortSpec;
  count: number;
}

/**
 * The ports grouped back into the mappings that published them: consecutive container
 * ports on consecutive host ports (or all ephemeral), same address and protocol, written
 * at the same place (a door with file locations) or read from the engine, which lists a
 * range port by port. Rules report per mapping: one line of a compose file publishing
 * 500 ports is one finding, not 500.
 */
export function portMappings(ports: readonly PortSpec[]): PortMapping[] {
  const out: PortMapping[] = [];
  // The engine keys its bindings by "port/proto" strings, so a range may come back as 10, 11, 8, 9.
  const ordered = [...ports].sort((a, b) => (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.column ?? 0) - (b.at?.column ?? 0) || codePointOrder(a.hostIp, b.hostIp) || codePointOrder(a.protocol, b.protocol) || a.containerPort - b.containerPort);
  for (const p of ordered) {
    const cur = out.at(-1);
    if (cur && continues(cur.last, p)) {
      cur.last = p;
      cur.count++;
    } else out.push({ first: p, last: p, count: 1 });
  }
  return out;
}

function continues(a: PortSpec, b: PortSpec): boolean {
  if (a.hostIp !== b.hostIp || a.protocol !== b.protocol || b.containerPort !== a.containerPort + 1 || a.hostPortEnd !== undefined || b.hostPortEnd !== undefined) return false;
  const hostOk = a.hostPort ? b.hostPort === a.hostPort + 1 : !b.hostPort;
  const sameLine = a.at?.line === undefined && b.at?.line === undefined ? true : a.at?.file === b.at?.file && a.at?.line === b.at?.line && a.at?.column === b.at?.column;
  return hostOk && sameLine;
}

/** `*:8000-8100->8000-8100/tcp (101 ports)`, or describePort for a single port. */
export function describeMapping(m: PortMapping): string {
  if (m.count === 1) return describePort(m.first);
  const { first: f, last: l } = m;
  const ip = f.hostIp === '' ? '*' : f.hostIp.includes(':') ? `[${f.hostIp}]` : f.hostIp;
  const host = f.hostPort ? `${f.hostPort}-${l.hostPort}` : 'ephemeral';
  return `${ip}:${host}->${f.containerPort}-${l.containerPort}/${f.protocol} (${m.count} ports)`;
}
