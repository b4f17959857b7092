import { daemonRule, type Issue } from '../../../models/rule.ts';
import { isNa, managerView } from './support/swarm.ts';

const WILDCARD = /^(0\.0\.0\.0|\[::\]):/;

export default daemonRule({
  meta: {
    id: 'daemon-swarm-listen-interface',
    target: 'daemon',
    title: 'Swarm management listens on every interface',
    severity: 'medium',
    cis: { id: '7.3', automated: true },
    rationale:
      'The swarm management port (2377) accepts joins and manager traffic. Bound to every interface it is reachable from any network the host touches, including public ones, instead of the one network the swarm uses.',
    remediation: 'Bind it to the swarm\'s own interface: `docker swarm init --listen-addr 10.0.0.5:2377` (for an existing node, `docker swarm leave` and join again with `--listen-addr`).',
    urls: ['https://docs.docker.com/reference/cli/docker/swarm/init/#listen-addr'],
  },
  check({ daemon }) {
    const s = managerView(daemon);
    if (isNa(s)) return s;
    if (!s.managementListeners) return { notApplicable: 'the daemon\'s listening sockets can be read only on its own host: run Moat there' };
    const out: Issue[] = [];
    for (const addr of s.managementListeners.filter((a) => WILDCARD.test(a))) {
      out.push({ message: `swarm management listens on ${addr}, every interface: bind it with --listen-addr to the swarm's own address`, at: { path: '/proc/net/tcp' }, evidence: `LISTEN ${addr}` });
    }
    return out;
  },
});
