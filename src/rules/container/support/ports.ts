import type { PortSpec } from '../../../models/container-spec.ts';

/** `127.0.0.1:8080->80/tcp`, `*:8080->80/tcp` for all interfaces, `:ephemeral` when the engine picks. */
export function describePort(p: PortSpec): string {
  const ip = p.hostIp === '' ? '*' : p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `${ip}:${p.hostPort ? p.hostPort : 'ephemeral'}->${p.containerPort}/${p.protocol}`;
}

/** Bound to every interface: no address, or the IPv4/IPv6 wildcard. */
export function onAllInterfaces(hostIp: string): boolean {
  return ['', '0.0.0.0', '::', '[::]'].includes(hostIp.trim());
}
