import { containerRule, notApplicable, type Issue } from '../../../models/rule.ts';
import { hostGiver, memberOf, outsidePorts, peersOf } from './support/reach.ts';

export default containerRule({
  meta: {
    id: 'container-exposed-path',
    target: 'container',
    title: 'A container reachable from outside leads to one that gives the host',
    severity: 'critical',
    rationale:
      "A container reachable from outside the host (a port published on a non-loopback address, or a listener on the host network) that shares a network with ICC on with a container holding the engine socket, running privileged or having a breakout path gives whoever compromises the exposed service a route to root on the host: one more hop over the shared network. The finding names every hop: port → container → network → container → what gives the host. When the exposed container itself gives the host, the path is one hop shorter. The breakout reasoning is the container-breakout-path rule's (only its established, critical paths count here).",
    remediation:
      'Break the path at any hop: stop publishing the port or bind it to 127.0.0.1 (`-p 127.0.0.1:8080:80`); put the two containers on different networks (`docker network create`, compose `networks:`) or turn ICC off on the shared one (`-o com.docker.network.bridge.enable_icc=false`, compose `driver_opts:`); or remove what gives the host (the socket mount, `--privileged`, the breakout path the other finding names).',
    cwe: ['CWE-668', 'CWE-250'],
  },
  check(facts) {
    const picture = facts.network;
    const member = memberOf(facts);
    if (!picture || !member) return notApplicable('no network picture was read at this door');
    const ports = outsidePorts(member, picture);
    if (ports.length === 0) return [];
    const entry = `${ports.map((p) => p.shown).join(', ')} → ${facts.container.name}`;
    const out: Issue[] = [];
    const self = hostGiver(facts);
    if (self) {
      out.push({
        message: `is reachable from outside and itself gives the host: ${entry}, which ${self.what} → the host`,
        at: ports[0]?.port.at ?? facts.container.where.ports,
        evidence: `${entry} → ${self.what} → host`,
      });
    }
    for (const { network, peer } of peersOf(member, picture)) {
      const gives = hostGiver({ container: peer.spec, daemon: facts.daemon, host: facts.host, network: picture });
      if (!gives) continue;
      const via = network.driver === 'host' ? 'the host network (one network stack)' : `network ${network.name} (ICC on)`;
      out.push({
        message: `is reachable from outside and shares a network with a container that gives the host: ${entry} → ${via} → ${peer.spec.name}, which ${gives.what} → the host`,
        at: ports[0]?.port.at ?? facts.container.where.ports,
        evidence: `${entry} → ${network.name} → ${peer.spec.name} → ${gives.what} → host`,
      });
    }
    return out;
  },
});
