import { optionOf, stringValue } from '../daemon/support/options.ts';
import { containerRule, type Issue } from '../../../models/rule.ts';
import { describeMapping, onAllInterfaces, portMappings } from './support/ports.ts';

export default containerRule({
  meta: {
    id: 'container-ports-all-interfaces',
    target: 'container',
    title: 'Container port is published on all host interfaces',
    severity: 'medium',
    cis: { id: '5.14', automated: true },
    peers: { dockerBench: '5.14' },
    rationale:
      "A port published without a host address listens on every interface (0.0.0.0 and ::), public ones included, and Docker's iptables rules bypass host firewalls such as ufw. Binding to the one address that should receive the traffic (often 127.0.0.1 behind a proxy) limits who can connect. A daemon whose `ip` option names a specific address changes the default for ports published without one; Moat reads it.",
    remediation:
      'Give each published port a host address: `-p 127.0.0.1:8080:80` or `-p 10.0.0.5:8080:80` (compose: `ports: ["127.0.0.1:8080:80"]`); or set the daemon\'s default with `"ip": "127.0.0.1"` in daemon.json.',
    cwe: ['CWE-668'],
  },
  check({ container, daemon }) {
    const daemonIp = daemon ? stringValue(optionOf(daemon, 'ip')) : undefined;
    const defaultIsSpecific = daemonIp !== undefined && !onAllInterfaces(daemonIp);
    const out: Issue[] = [];
    for (const m of portMappings(container.ports.filter((p) => onAllInterfaces(p.hostIp) && !(p.hostIp === '' && defaultIsSpecific)))) {
      out.push({ message: `publishes ${describeMapping(m)} on all interfaces`, at: m.first.at ?? container.where.ports, evidence: describeMapping(m) });
    }
    if (container.publishAllPorts && !defaultIsSpecific) {
      out.push({ message: 'publishes every exposed port (-P) on all interfaces', at: container.where.publishAllPorts, evidence: 'PublishAllPorts: true' });
    }
    return out;
  },
});
