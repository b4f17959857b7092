import { daemonRule } from '../../../models/rule.ts';
import { infoAt } from './support/options.ts';
import { isNa, swarmOf } from './support/swarm.ts';

const HOUR_NS = 3_600_000_000_000;
/** Docker's default and the benchmark's expectation: node certificates renewed every 90 days. */
export const MAX_NODE_CERT_HOURS = 2160;

export default daemonRule({
  meta: {
    id: 'daemon-swarm-node-cert-expiry',
    target: 'daemon',
    title: 'Swarm node certificates are not rotated often enough',
    severity: 'low',
    cis: { id: '7.8', automated: false },
    rationale:
      'Each node proves its identity with a certificate the swarm CA issues; the shorter its life, the shorter a stolen node key stays useful. Nodes renew on their own before expiry, so a short period costs nothing.',
    remediation: `Set the period to ${MAX_NODE_CERT_HOURS}h (90 days) or less: \`docker swarm update --cert-expiry 720h\`.`,
    urls: ['https://docs.docker.com/reference/cli/docker/swarm/update/'],
  },
  check({ daemon }) {
    const s = swarmOf(daemon);
    if (isNa(s)) return s;
    if (s.nodeCertExpiryNs === undefined) return [];
    const hours = s.nodeCertExpiryNs / HOUR_NS;
    if (hours <= MAX_NODE_CERT_HOURS) return [];
    return [{ message: `swarm node certificates live ${Math.round(hours)}h, longer than ${MAX_NODE_CERT_HOURS}h (90 days): run \`docker swarm update --cert-expiry ${MAX_NODE_CERT_HOURS}h\``, at: infoAt('Swarm.Cluster.Spec.CAConfig.NodeCertExpiry'), evidence: `NodeCertExpiry: ${Math.round(hours)}h` }];
  },
});
