import { daemonRule } from '../../../models/rule.ts';
import { infoAt } from './support/options.ts';
import { isNa, managerView } from './support/swarm.ts';

/** Raft keeps a majority: beyond seven managers, each one more slows every write and adds no useful tolerance. */
const MAX_MANAGERS = 7;

export default daemonRule({
  meta: {
    id: 'daemon-swarm-managers',
    target: 'daemon',
    title: 'The swarm has more manager nodes than it needs',
    severity: 'medium',
    cis: { id: '7.2', automated: true },
    rationale:
      'Every manager holds the raft log with every secret and the power to schedule anything on any node: each one more is another machine whose compromise owns the swarm. An even count tolerates no more failures than the odd count below it.',
    remediation: 'Keep an odd number of managers, no more than needed (1, 3, 5, at most 7), and demote the rest: `docker node demote NODE`.',
    urls: ['https://docs.docker.com/engine/swarm/admin_guide/#add-manager-nodes-for-fault-tolerance'],
  },
  check({ daemon }) {
    const s = managerView(daemon);
    if (isNa(s)) return s;
    const n = s.managers ?? 0;
    if (n > MAX_MANAGERS) return [{ message: `the swarm has ${n} managers: more than ${MAX_MANAGERS} adds attack surface and slows consensus; demote the extra ones`, at: infoAt('Swarm.Managers'), evidence: `Swarm.Managers: ${n}` }];
    if (n > 1 && n % 2 === 0) return [{ message: `the swarm has ${n} managers, an even number: it tolerates no more failures than ${n - 1}; demote one (docker node demote)`, at: infoAt('Swarm.Managers'), evidence: `Swarm.Managers: ${n}` }];
    return [];
  },
});
