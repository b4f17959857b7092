import { containerRule, type Issue } from '../../../models/rule.ts';
import { memberOf, onHostNetwork, outsidePorts } from './support/reach.ts';

export default containerRule({
  meta: {
    id: 'container-host-network-listening',
    target: 'container',
    title: 'Container on the host network listens on a port',
    severity: 'high',
    rationale:
      "On the host network a container's listeners bind the host's own interfaces: no port mapping chooses the address, Docker's iptables rules do not apply, and the service is reachable wherever the host is. It also reaches every service the host binds to loopback. Moat reads the ports the container exposes (`EXPOSE`, `--expose`, compose `expose:`) and any port mappings, which the engine ignores in this mode.",
    remediation:
      'Run it on a user-defined network and publish only what must be reached, on the address that should receive it: `--network app -p 127.0.0.1:8080:8080` (compose: drop `network_mode: host`, add `ports:`); if the host network is needed, bind the service itself to 127.0.0.1 in its own configuration.',
    cwe: ['CWE-668'],
  },
  check(facts) {
    const c = facts.container;
    if (!onHostNetwork(c)) return [];
    const member = memberOf(facts);
    const ports = member && facts.network ? outsidePorts(member, facts.network).map((p) => p.shown) : c.ports.map((p) => `host:${p.containerPort}/${p.protocol}`);
    if (ports.length === 0) return [];
    const issue: Issue = { message: `is on the host network and listens on ${ports.join(', ')}: reachable on every host interface, outside Docker's filtering`, at: c.where['namespaces.network'], evidence: `NetworkMode: host; ${ports.join(', ')}` };
    return [issue];
  },
});
