/** A network picture for rule tests: containers built like `hardenedContainer`, networks joined by their names. */
import type { ContainerSpec } from '../../../models/container-spec.ts';
import type { NetworkDaemonFacts, NetworkPicture, NetworkSpec } from '../../../models/network.ts';
import type { ContainerFacts } from '../../../models/rule.ts';
import { containerFacts, hardenedContainer, type DeepPartial } from './fixtures.ts';

export const DAEMON_DEFAULTS: NetworkDaemonFacts = { iptables: true, ip6tables: false, ipForward: true, userlandProxy: true, defaultBindIp: '', icc: true, tcpHosts: [], tlsVerify: false };

/** `name` and `id` from one word; everything else as `hardenedContainer` (app-net, 127.0.0.1:8080, running). */
export function member(name: string, over: DeepPartial<ContainerSpec> = {}): ContainerSpec {
  return hardenedContainer({ id: `id-${name}`, name, ...over });
}

export function picture(containers: ContainerSpec[], networks: Array<Partial<NetworkSpec> & { name: string }> = [{ name: 'app-net' }], daemon: Partial<NetworkDaemonFacts> | null = {}): NetworkPicture {
  return {
    source: 'engine',
    description: 'test',
    networks: networks.map((n) => ({
      driver: n.name === 'host' ? 'host' : 'bridge', internal: false, icc: true, ipv6: false, defaultBridge: n.name === 'bridge',
      containers: containers.filter((c) => (c.namespaces.network === 'host' ? ['host'] : c.networks).includes(n.name)).map((c) => c.name),
      ...n,
    })),
    members: containers.map((spec) => ({ spec, exposed: [] })),
    ...(daemon ? { daemon: { ...DAEMON_DEFAULTS, ...daemon } } : {}),
  };
}

/** Facts for `c` inside `p` (the daemon and host of `containerFacts`). */
export function inPicture(c: ContainerSpec, p: NetworkPicture): ContainerFacts {
  return { ...containerFacts(), container: c, network: p };
}
