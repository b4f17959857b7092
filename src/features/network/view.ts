/**
 * `moat network`: the picture judged by the network rules, as the one view every format draws
 * (JSON is this view; table, DOT, Mermaid and HTML render it).
 */
import type { Finding, Subject } from '../../models/finding.ts';
import type { DaemonSpec } from '../../models/daemon-spec.ts';
import type { HostSpec } from '../../models/host-spec.ts';
import type { NetworkDaemonFacts, NetworkPicture } from '../../models/network.ts';
import { runCheck } from '../../knowledge/rules/evaluate.ts';
import adminPortExposed from '../../knowledge/rules/container/admin-port-exposed.ts';
import defaultBridge from '../../knowledge/rules/container/default-bridge.ts';
import exposedPath from '../../knowledge/rules/container/exposed-path.ts';
import hostNetworkListening from '../../knowledge/rules/container/host-network-listening.ts';
import ipv6Unfiltered from '../../knowledge/rules/container/ipv6-unfiltered.ts';
import { effectiveHostIp, hostGiver, isLoopbackIp, networksOf, onHostNetwork, outsidePorts, peersOf } from '../../knowledge/rules/container/support/reach.ts';
import defaultBridgeShared from '../../knowledge/rules/daemon/default-bridge-shared.ts';
import tls from '../../knowledge/rules/daemon/tls.ts';
import type { ContainerRule, DaemonRule } from '../../models/rule.ts';
import { TOOL_VERSION } from '../../version.ts';

export const NETWORK_SCHEMA_VERSION = '1.0.0';

/** The rules `moat network` applies: the network rules and the two daemon rules about what the network reaches. */
export const NETWORK_CONTAINER_RULES: readonly ContainerRule[] = [adminPortExposed, hostNetworkListening, ipv6Unfiltered, defaultBridge, exposedPath];
export const NETWORK_DAEMON_RULES: readonly DaemonRule[] = [defaultBridgeShared, tls];

export interface PublishedView {
  /** The effective host address; '' = all interfaces (IPv4 and IPv6). */
  hostIp: string;
  /** `null`: an ephemeral port the engine picks. */
  hostPort: number | null;
  containerPort: number;
  protocol: string;
  scope: 'all-interfaces' | 'loopback' | 'address';
}

export interface ContainerView {
  name: string;
  id: string;
  networks: string[];
  published: PublishedView[];
  hostNetwork: boolean;
  running: boolean;
  reachableFromOutside: boolean;
  /** Containers it can open connections to (a shared network with ICC on, or the host network). */
  reaches: string[];
  /** What gives the host to whoever controls it, when something does. */
  givesHost?: string;
}

export interface NetworkView {
  schemaVersion: string;
  tool: { name: 'moat'; version: string };
  source: NetworkPicture['source'];
  target: string;
  daemon?: NetworkDaemonFacts;
  networks: Array<{ name: string; driver: string; internal: boolean; icc: boolean; ipv6: boolean; hostBindingIpv4?: string; gatewayMode?: string; defaultBridge: boolean; containers: string[] }>;
  containers: ContainerView[];
  findings: Finding[];
}

export function buildNetworkView(picture: NetworkPicture, ctx: { daemon?: DaemonSpec; host?: HostSpec; now?: Date } = {}): NetworkView {
  const findings: Finding[] = [];
  const containers: ContainerView[] = [];
  for (const m of picture.members) {
    const c = m.spec;
    const facts = { container: c, daemon: ctx.daemon, host: ctx.host, network: picture };
    const subject: Subject = { kind: 'container', id: c.id, name: c.name };
    for (const r of NETWORK_CONTAINER_RULES) findings.push(...runCheck(r, facts, subject).findings);
    const giver = hostGiver(facts);
    containers.push({
      name: c.name,
      id: c.id,
      networks: networksOf(c, picture).map((n) => n.name),
      published: c.ports.map((p) => {
        const hostIp = effectiveHostIp(p, c, picture);
        return { hostIp, hostPort: p.hostPort ?? null, containerPort: p.containerPort, protocol: p.protocol, scope: hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::' ? 'all-interfaces' : isLoopbackIp(hostIp) ? 'loopback' : 'address' };
      }),
      hostNetwork: onHostNetwork(c),
      running: c.state === undefined || c.state.running,
      reachableFromOutside: outsidePorts(m, picture).length > 0,
      reaches: peersOf(m, picture).map((p) => p.peer.spec.name).sort(),
      ...(giver ? { givesHost: giver.what } : {}),
    });
  }
  if (ctx.daemon) {
    const subject: Subject = { kind: 'daemon', id: ctx.daemon.info.id || 'dockerd', name: `dockerd ${ctx.daemon.version.engine}` };
    for (const r of NETWORK_DAEMON_RULES) findings.push(...runCheck(r, { daemon: ctx.daemon, host: ctx.host, now: ctx.now ?? new Date(), network: picture }, subject).findings);
  }
  return {
    schemaVersion: NETWORK_SCHEMA_VERSION,
    tool: { name: 'moat', version: TOOL_VERSION },
    source: picture.source,
    target: picture.description,
    ...(picture.daemon ? { daemon: picture.daemon } : {}),
    networks: picture.networks.map((n) => ({
      name: n.name, driver: n.driver, internal: n.internal, icc: n.icc, ipv6: n.ipv6,
      ...(n.hostBindingIpv4 ? { hostBindingIpv4: n.hostBindingIpv4 } : {}),
      ...(n.gatewayMode ? { gatewayMode: n.gatewayMode } : {}),
      defaultBridge: n.defaultBridge, containers: n.containers,
    })),
    containers: containers.sort((a, b) => a.name.localeCompare(b.name)),
    findings,
  };
}
