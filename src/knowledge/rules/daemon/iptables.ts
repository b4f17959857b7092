import { daemonRule } from '../../../models/rule.ts';
import { boolValue, evidenceOf, optionOf, remote } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-iptables',
    target: 'daemon',
    title: 'Docker is not allowed to manage iptables',
    severity: 'medium',
    cis: { id: '2.4', automated: true },
    peers: { dockerBench: '2.4' },
    rationale:
      'With iptables management off, Docker no longer writes the rules that isolate networks and restrict published ports; hand-written rules rarely keep up with containers as they come and go, and mistakes expose containers to the network.',
    remediation: 'Remove `"iptables": false` from daemon.json and `--iptables=false` from the dockerd command line (the default is true).',
    urls: ['https://docs.docker.com/engine/network/packet-filtering-firewalls/'],
  },
  check({ daemon }) {
    if (!daemon.local) return remote();
    const o = optionOf(daemon, 'iptables');
    if (!o || boolValue(o) !== false) return [];
    return [{ message: 'iptables is false: Docker does not manage the firewall rules that isolate container networks', at: o.at, evidence: evidenceOf(o) }];
  },
});
