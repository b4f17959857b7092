import { daemonRule, type Issue } from '../../../models/rule.ts';
import { isNa, managerView } from './support/swarm.ts';

export default daemonRule({
  meta: {
    id: 'daemon-swarm-overlay-encrypted',
    target: 'daemon',
    title: 'Overlay network traffic is not encrypted',
    severity: 'medium',
    cis: { id: '7.4', automated: true },
    rationale:
      'The swarm encrypts its management traffic, but container traffic on an overlay network crosses the wire between nodes in clear (VXLAN) unless the network was created with the `encrypted` option.',
    remediation: 'Create overlay networks with `docker network create -d overlay --opt encrypted NAME` (they cannot be changed in place: recreate and reattach services).',
    urls: ['https://docs.docker.com/engine/network/drivers/overlay/#encrypt-traffic-on-an-overlay-network'],
  },
  check({ daemon }) {
    const s = managerView(daemon);
    if (isNa(s)) return s;
    const out: Issue[] = [];
    for (const n of s.overlayNetworks ?? []) {
      if (n.encrypted) continue;
      out.push({
        message: `overlay network ${n.name} is not encrypted${n.ingress ? ' (the routing mesh\'s ingress network: recreate it with --ingress --opt encrypted)' : ''}: create it with --opt encrypted`,
        at: { path: `/networks/${n.id}.Options.encrypted` },
        evidence: `${n.name}: Driver overlay, no "encrypted" option`,
      });
    }
    return out;
  },
});
