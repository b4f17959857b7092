/**
 * The network door: the engine's networks (`GET /networks`: one request; the list carries each
 * network's driver, options and flags but not its containers, which come from the containers'
 * own inspect, read through the inspect door as in audit) and the daemon settings that decide
 * how their traffic is filtered.
 */
import * as v from 'valibot';
import type { EngineClient } from './client.ts';
import type { DaemonSpec } from '../../models/daemon-spec.ts';
import type { NetworkDaemonFacts, NetworkMember, NetworkPicture, NetworkSpec } from '../../models/network.ts';
import { parsePortKey } from '../../models/normalize.ts';
import { mapLimit } from '../../util/concurrency.ts';
import { containerFromInspect } from './container.ts';
import { ContainerInspectSchema, ContainerSummarySchema, parseEngine, type ContainerInspect } from './inspect-schema.ts';
import { codePointOrder } from '../../util/compare.ts';

const str = v.nullish(v.string());
const bool = v.nullish(v.boolean());

export const NetworkInspectSchema = v.object({
  Id: v.string(),
  Name: v.string(),
  Driver: str,
  Internal: bool,
  EnableIPv6: bool,
  Options: v.nullish(v.record(v.string(), v.string())),
  Containers: v.nullish(v.record(v.string(), v.object({ Name: str }))),
});
export type NetworkInspect = v.InferOutput<typeof NetworkInspectSchema>;

const ICC = 'com.docker.network.bridge.enable_icc';
const HOST_BINDING = 'com.docker.network.bridge.host_binding_ipv4';
const GATEWAY_MODE = 'com.docker.network.bridge.gateway_mode_ipv4';
const DEFAULT_BRIDGE = 'com.docker.network.bridge.default_bridge';

/** One inspected network → the model. ICC is on unless the bridge option says false (other drivers have no such switch). */
export function networkFromInspect(n: NetworkInspect): NetworkSpec {
  const opts = n.Options ?? {};
  const driver = n.Driver || 'bridge';
  const binding = opts[HOST_BINDING];
  return {
    name: n.Name,
    id: n.Id,
    driver,
    internal: n.Internal === true,
    icc: driver === 'null' ? false : opts[ICC] !== 'false',
    ipv6: n.EnableIPv6 === true,
    ...(binding ? { hostBindingIpv4: binding } : {}),
    ...(opts[GATEWAY_MODE] ? { gatewayMode: opts[GATEWAY_MODE] } : {}),
    defaultBridge: opts[DEFAULT_BRIDGE] === 'true' || (n.Name === 'bridge' && driver === 'bridge'),
    containers: Object.values(n.Containers ?? {}).map((c) => c.Name ?? '').filter((name) => name !== '').sort(),
    at: { path: `GET /networks/${n.Name}` },
  };
}

/** The ports a container says it listens on (`Config.ExposedPorts`). */
export function exposedOf(c: ContainerInspect): NetworkMember['exposed'] {
  return Object.keys(c.Config?.ExposedPorts ?? {}).flatMap((k) => {
    const p = parsePortKey(k);
    return p ? [{ containerPort: p.port, protocol: p.protocol }] : [];
  });
}

/** Every network, from the list alone; `containers` is filled from the members (`engineNetworkPicture`). */
export async function readNetworks(client: EngineClient): Promise<NetworkSpec[]> {
  const list = parseEngine(v.array(NetworkInspectSchema), await client.getJson('/networks'), 'GET /networks');
  return list.map(networkFromInspect).sort((a, b) => codePointOrder(a.name, b.name));
}

/** Running containers (or all with `all`), inspected through the inspect door, with their exposed ports. */
export async function readMembers(client: EngineClient, opts: { all?: boolean; concurrency?: number } = {}): Promise<NetworkMember[]> {
  const summaries = parseEngine(ContainerSummarySchema, await client.getJson(`/containers/json?all=${opts.all ? 1 : 0}`), 'GET /containers/json');
  const found = await mapLimit(summaries, opts.concurrency ?? 8, async ({ Id }) => {
    const raw = await client.getJson(`/containers/${encodeURIComponent(Id)}/json`, { allowMissing: true });
    if (raw === undefined) return undefined;
    const inspect = parseEngine(ContainerInspectSchema, raw, `GET /containers/${Id}/json`);
    return { spec: containerFromInspect(inspect), exposed: exposedOf(inspect) };
  });
  return found.filter((m): m is NetworkMember => m !== undefined);
}

function option(d: DaemonSpec, key: string): unknown {
  return d.options.get(key)?.value;
}
function flag(d: DaemonSpec, key: string, dflt: boolean): boolean {
  const value = option(d, key);
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return dflt;
}

/** The daemon's filtering settings, with dockerd's defaults; `undefined` when the daemon is remote (its configuration is not readable). */
export function networkDaemonFacts(d: DaemonSpec): NetworkDaemonFacts | undefined {
  if (!d.local) return undefined;
  const hostsValue = option(d, 'hosts');
  const hosts = Array.isArray(hostsValue) ? hostsValue.map(String) : typeof hostsValue === 'string' ? [hostsValue] : [];
  const ip = option(d, 'ip');
  return {
    iptables: flag(d, 'iptables', true),
    ip6tables: flag(d, 'ip6tables', false),
    ipForward: flag(d, 'ip-forward', true),
    userlandProxy: flag(d, 'userland-proxy', true),
    defaultBindIp: typeof ip === 'string' && ip !== '0.0.0.0' ? ip : '',
    icc: flag(d, 'icc', true),
    tcpHosts: hosts.filter((h) => !/^(unix|fd|npipe):\/\//i.test(h.trim()) && h.trim() !== ''),
    tlsVerify: flag(d, 'tlsverify', false),
  };
}

/**
 * Joins what was read into one picture. A network's `containers` are its running members, as the
 * engine's network inspect lists them (a stopped container keeps its attachment in its own spec).
 */
export function engineNetworkPicture(description: string, networks: NetworkSpec[], members: NetworkMember[], daemon: DaemonSpec | undefined): NetworkPicture {
  const facts = daemon ? networkDaemonFacts(daemon) : undefined;
  const on = new Map<string, string[]>();
  for (const { spec } of members) {
    if (spec.state && !spec.state.running) continue;
    for (const n of spec.namespaces.network === 'host' ? ['host'] : spec.networks) on.set(n, [...(on.get(n) ?? []), spec.name]);
  }
  const joined = networks.map((n) => ({ ...n, containers: [...new Set([...n.containers, ...(on.get(n.name) ?? [])])].sort() }));
  return { source: 'engine', description, networks: joined, members, ...(facts ? { daemon: facts } : {}) };
}
