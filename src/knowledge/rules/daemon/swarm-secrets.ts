import { daemonRule } from '../../../models/rule.ts';
import { isNa, managerView } from './support/swarm.ts';

export default daemonRule({
  meta: {
    id: 'daemon-swarm-secrets',
    target: 'daemon',
    title: 'The swarm stores no secrets in Docker secrets',
    severity: 'info',
    manual: true,
    cis: { id: '7.5', automated: false },
    rationale:
      'Docker secrets are encrypted in the raft log and in transit and are mounted only into the services granted them; secrets passed as environment variables or baked into images are readable by anyone who can inspect the service or pull the image.',
    remediation: 'Store passwords, keys and tokens with `docker secret create` and grant them with `docker service create --secret NAME`; remove them from environment variables and images.',
    urls: ['https://docs.docker.com/engine/swarm/secrets/'],
  },
  check({ daemon }) {
    const s = managerView(daemon);
    if (isNa(s)) return s;
    if ((s.secrets ?? 0) > 0) return [];
    return [{ message: 'the swarm holds no Docker secrets: check that its services get their credentials through `docker secret`, not environment variables or images', at: { path: '/secrets' }, evidence: 'GET /secrets: 0 secrets' }];
  },
});
