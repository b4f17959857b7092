/**
 * The networks a compose project would create, before it runs: top-level `networks:`
 * (`driver`, `internal`, `enable_ipv6`, `driver_opts` such as
 * `com.docker.network.bridge.enable_icc`), the `<project>_default` network compose adds for
 * services that name none, and the engine's own `host` and `bridge` for `network_mode`.
 */
import type { NetworkPicture, NetworkSpec } from '../../models/network.ts';
import type { ComposeResult } from './project.ts';
import { locatedError, type LNode } from './yaml-tree.ts';

function scalarOf(n: LNode | undefined): string | undefined {
  return n?.kind === 'scalar' && n.value !== null ? String(n.value) : undefined;
}

function boolOf(n: LNode | undefined, what: string): boolean {
  const s = scalarOf(n);
  if (s === undefined) return false;
  if (s === 'true' || s === 'false') return s === 'true';
  throw locatedError(n!.at, `${what} must be true or false, found "${s}"`);
}

function networkFromDef(key: string, name: string, def: LNode | undefined, containers: string[]): NetworkSpec {
  const m = def?.kind === 'map' ? def.entries : undefined;
  const opts = m?.get('driver_opts');
  const opt = (k: string): string | undefined => (opts?.kind === 'map' ? scalarOf(opts.entries.get(k)) : undefined);
  const driver = scalarOf(m?.get('driver')) ?? 'bridge';
  const icc = opt('com.docker.network.bridge.enable_icc');
  const binding = opt('com.docker.network.bridge.host_binding_ipv4');
  const gateway = opt('com.docker.network.bridge.gateway_mode_ipv4');
  return {
    name,
    driver,
    internal: boolOf(m?.get('internal'), `networks.${key}.internal`),
    icc: driver !== 'null' && icc !== 'false',
    ipv6: boolOf(m?.get('enable_ipv6'), `networks.${key}.enable_ipv6`),
    ...(binding ? { hostBindingIpv4: binding } : {}),
    ...(gateway ? { gatewayMode: gateway } : {}),
    defaultBridge: false,
    containers,
    ...(def ? { at: def.at } : {}),
  };
}

/** The picture of a compose project: its services as members, every network they would join. */
export function composeNetworkPicture(file: string, result: ComposeResult): NetworkPicture {
  const members = result.specs.map((spec) => ({ spec, exposed: [] }));
  const on = (name: string): string[] => result.specs.filter((s) => (s.namespaces.network === 'host' ? ['host'] : s.networks).includes(name)).map((s) => s.name);
  const networks: NetworkSpec[] = [];
  for (const { key, name, def } of result.networkDefs) {
    const containers = on(name);
    // compose creates `<project>_default` only when a service uses it.
    if (key === 'default' && !def && containers.length === 0) continue;
    networks.push(networkFromDef(key, name, def, containers));
  }
  const modes = new Set(result.specs.map((s) => s.namespaces.network));
  if (modes.has('host')) networks.push({ name: 'host', driver: 'host', internal: false, icc: true, ipv6: false, defaultBridge: false, containers: on('host') });
  if (modes.has('bridge') || modes.has('default')) {
    networks.push({ name: 'bridge', driver: 'bridge', internal: false, icc: true, ipv6: false, defaultBridge: true, containers: result.specs.filter((s) => s.networks.includes('bridge') || s.namespaces.network === 'default').map((s) => s.name) });
  }
  return { source: 'compose', description: file, networks, members };
}
