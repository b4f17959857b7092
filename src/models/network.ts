import type { ContainerSpec, PortSpec } from './container-spec.ts';
import type { Location } from './location.ts';

/**
 * One network as the engine has it (`GET /networks`) or as a compose project would create it.
 * The same shape for both doors, so the picture, the rules and every drawing read one model.
 */
export interface NetworkSpec {
  name: string;
  /** Engine id; absent for networks that do not exist yet (compose). */
  id?: string;
  /** 'bridge', 'host', 'null', 'overlay', 'macvlan', 'ipvlan' or a plugin's name. */
  driver: string;
  /** No route out: containers reach each other but not the outside, and the outside does not reach them. */
  internal: boolean;
  /** Containers on it reach each other (bridge option `com.docker.network.bridge.enable_icc`, true unless set false). */
  icc: boolean;
  ipv6: boolean;
  /** `com.docker.network.bridge.host_binding_ipv4`: where ports published without an address listen. */
  hostBindingIpv4?: string;
  /** `com.docker.network.bridge.gateway_mode_ipv4` (engine 27+): 'nat', 'routed', 'nat-unprotected', 'isolated'. */
  gatewayMode?: string;
  /** The engine's default bridge (docker0), whose ICC the daemon's `icc` option sets. */
  defaultBridge: boolean;
  /** Names of the containers attached. */
  containers: string[];
  at?: Location;
}

/** A container as the picture needs it: its spec plus what only the network door reads. */
export interface NetworkMember {
  spec: ContainerSpec;
  /** `Config.ExposedPorts` (inspect) or `expose:` (compose): what it says it listens on. */
  exposed: Array<Pick<PortSpec, 'containerPort' | 'protocol'>>;
}

/** Daemon settings that decide how published ports and container traffic are filtered. */
export interface NetworkDaemonFacts {
  /** `iptables` (default true): Docker writes the filter and NAT rules for published ports. */
  iptables: boolean;
  /** `ip6tables` (default false on 20.10–26): the same for IPv6; off means IPv6 ports are not filtered by Docker. */
  ip6tables: boolean;
  /** `ip-forward` (default true). */
  ipForward: boolean;
  /** `userland-proxy` (default true): docker-proxy listens on the host address for each published port. */
  userlandProxy: boolean;
  /** `ip`: the default host address for ports published without one ('' = all interfaces). */
  defaultBindIp: string;
  /** `icc` for the default bridge (default true). */
  icc: boolean;
  /** TCP addresses the Engine API listens on (`hosts`), and whether client TLS is verified. */
  tcpHosts: string[];
  tlsVerify: boolean;
}

/** Everything `moat network` draws and its rules judge: from the engine or from a compose file (before it runs). */
export interface NetworkPicture {
  source: 'engine' | 'compose';
  /** Engine endpoint or compose file. */
  description: string;
  networks: NetworkSpec[];
  members: NetworkMember[];
  /** Absent for a compose file: the daemon that will run it is not known. */
  daemon?: NetworkDaemonFacts;
}
