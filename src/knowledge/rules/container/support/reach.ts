/**
 * Who reaches whom in a network picture: the facts every network rule and every drawing of
 * `moat network` share, computed in one place.
 */
import type { ContainerSpec, PortSpec } from '../../../../models/container-spec.ts';
import type { NetworkMember, NetworkPicture, NetworkSpec } from '../../../../models/network.ts';
import type { ContainerFacts, Issue } from '../../../../models/rule.ts';
import breakoutPath from '../breakout-path.ts';
import { isEngineSocketMount } from './engine-socket.ts';
import { describePort } from './ports.ts';

/** 127.0.0.0/8 and ::1: only the host itself (and host-network containers) connect. */
export function isLoopbackIp(ip: string): boolean {
  const h = ip.trim().replace(/^\[|\]$/g, '');
  return h === '::1' || h === 'localhost' || /^127\./.test(h);
}

export function onHostNetwork(c: ContainerSpec): boolean {
  return c.namespaces.network === 'host';
}

/** Networks the container is attached to, in the picture (the host network as `host`). */
export function networksOf(c: ContainerSpec, picture: NetworkPicture): NetworkSpec[] {
  const names = onHostNetwork(c) ? ['host'] : c.networks;
  return picture.networks.filter((n) => names.includes(n.name));
}

/** The address a published port listens on once the engine fills in defaults: the port's own, the network's, the daemon's `ip`. */
export function effectiveHostIp(p: PortSpec, c: ContainerSpec, picture: NetworkPicture): string {
  if (p.hostIp !== '') return p.hostIp;
  const binding = networksOf(c, picture).find((n) => n.hostBindingIpv4)?.hostBindingIpv4;
  return binding ?? picture.daemon?.defaultBindIp ?? '';
}

/** A port published or listened on where the outside can connect. */
export interface OutsidePort {
  port: PortSpec;
  /** The effective host address ('' = all interfaces). */
  hostIp: string;
  /** `*:8080->80/tcp`, or `host:80/tcp` for a host-network listener. */
  shown: string;
}

/** A container exists to be reached only when running (the engine door); a compose service will run. */
function live(c: ContainerSpec): boolean {
  return c.state === undefined || c.state.running;
}

/**
 * Ports of this container reachable from outside the host: published on a non-loopback address
 * (from a network with a route out), or, on the host network, every port it says it listens on.
 */
export function outsidePorts(m: NetworkMember, picture: NetworkPicture): OutsidePort[] {
  const c = m.spec;
  if (!live(c)) return [];
  if (onHostNetwork(c)) {
    const ports = [...c.ports, ...m.exposed.map((e) => ({ ...e, hostIp: '' }))];
    const seen = new Set<string>();
    return ports
      .filter((p) => !isLoopbackIp(p.hostIp) && !seen.has(`${p.containerPort}/${p.protocol}`) && seen.add(`${p.containerPort}/${p.protocol}`))
      .map((p) => ({ port: { ...p, hostPort: p.containerPort }, hostIp: p.hostIp, shown: `host:${p.containerPort}/${p.protocol}` }));
  }
  const nets = networksOf(c, picture);
  // Only internal networks: no gateway, so the engine publishes nothing that routes in.
  if (nets.length > 0 && nets.every((n) => n.internal)) return [];
  if (c.namespaces.network === 'none' || c.namespaces.network?.startsWith('container:')) return [];
  const out: OutsidePort[] = [];
  for (const p of c.ports) {
    const hostIp = effectiveHostIp(p, c, picture);
    if (isLoopbackIp(hostIp)) continue;
    out.push({ port: p, hostIp, shown: describePort({ ...p, hostIp }) });
  }
  return out;
}

/** Reachable from outside the host on at least one port. */
export function reachableFromOutside(m: NetworkMember, picture: NetworkPicture): boolean {
  return outsidePorts(m, picture).length > 0;
}

/** A container this one can open connections to, and the network that carries them. */
export interface Peer {
  network: NetworkSpec;
  peer: NetworkMember;
}

/**
 * Containers this one reaches: on a shared network with ICC on (the host network shares one
 * stack, so its members reach each other too). Each peer once, by the first network found.
 */
export function peersOf(m: NetworkMember, picture: NetworkPicture): Peer[] {
  const out: Peer[] = [];
  const seen = new Set<string>([m.spec.id]);
  const byName = new Map(picture.members.map((x) => [x.spec.name, x]));
  for (const n of networksOf(m.spec, picture)) {
    if (!n.icc || n.driver === 'null') continue;
    for (const name of n.containers) {
      const peer = byName.get(name);
      if (!peer || seen.has(peer.spec.id)) continue;
      seen.add(peer.spec.id);
      out.push({ network: n, peer });
    }
  }
  return out;
}

/** What gives the host to whoever controls this container: the engine socket, privileged, or a breakout path (judged by that rule). */
export function hostGiver(facts: ContainerFacts): { what: string; issue?: Issue } | undefined {
  const c = facts.container;
  const socket = c.mounts.find(isEngineSocketMount);
  if (socket) return { what: `holds the engine socket (${socket.source} at ${socket.target})` };
  if (c.privileged) return { what: 'is privileged' };
  const outcome = breakoutPath.check(facts);
  const issue = Array.isArray(outcome) ? (outcome as Issue[]).find((i) => (i.severity ?? breakoutPath.meta.severity) === 'critical') : undefined;
  return issue ? { what: `has a breakout path (${issue.evidence ?? issue.message})`, issue } : undefined;
}

/** The picture's entry for this container, when a picture was read. */
export function memberOf(facts: ContainerFacts): NetworkMember | undefined {
  return facts.network?.members.find((m) => m.spec.id === facts.container.id);
}
