import { daemonRule } from '../../../models/rule.ts';
import { inSwarm, infoAt } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-swarm-mode',
    target: 'daemon',
    title: 'Swarm mode is enabled',
    severity: 'medium',
    cis: { id: '5.1', automated: true },
    peers: { dockerBench: '5.1' },
    rationale:
      'Swarm mode opens management and data ports (2377, 7946, 4789) and makes this engine accept work from the swarm. If nothing here needs an orchestrator, that is attack surface for no purpose.',
    remediation: 'If this node does not need to be in a swarm, leave it with `docker swarm leave` (add `--force` on a manager).',
    urls: ['https://docs.docker.com/engine/swarm/swarm-mode/'],
  },
  check({ daemon }) {
    if (!inSwarm(daemon)) return [];
    return [
      {
        message: `swarm mode is ${daemon.info.swarmState}: confirm this node needs to be part of a swarm`,
        at: infoAt('Swarm.LocalNodeState'),
        evidence: `Swarm.LocalNodeState: ${daemon.info.swarmState}`,
      },
    ];
  },
});
