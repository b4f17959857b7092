import { X509Certificate } from 'node:crypto';
import { daemonRule } from '../../../models/rule.ts';
import { infoAt } from './support/options.ts';
import { isNa, swarmOf } from './support/swarm.ts';

const DAY_MS = 86_400_000;
/** The benchmark leaves the period to the operator; a year is the longest any common policy allows a signing CA unrotated. */
export const MAX_CA_AGE_DAYS = 365;

export default daemonRule({
  meta: {
    id: 'daemon-swarm-ca-rotation',
    target: 'daemon',
    title: 'The swarm root CA has not been rotated within a year',
    severity: 'low',
    cis: { id: '7.9', automated: false },
    rationale:
      'Whoever holds the swarm CA key can mint node certificates and join the swarm as a manager. Rotating the CA retires a key that may have leaked and re-issues every node certificate.',
    remediation: 'Rotate the root CA with `docker swarm ca --rotate` (nodes re-issue their certificates on their own), at least yearly and whenever a manager may have been compromised.',
    urls: ['https://docs.docker.com/engine/swarm/how-swarm-mode-works/pki/#rotating-the-ca-certificate'],
  },
  check({ daemon, now }) {
    const s = swarmOf(daemon);
    if (isNa(s)) return s;
    if (!s.trustRoot) return [];
    let issued: Date;
    try {
      issued = new Date(new X509Certificate(s.trustRoot).validFrom);
    } catch (e) {
      throw new Error(`the swarm's root CA certificate (/info Swarm.Cluster.TLSInfo.TrustRoot) is not a readable PEM certificate: ${(e as Error).message}`);
    }
    const days = Math.floor((now.getTime() - issued.getTime()) / DAY_MS);
    if (days <= MAX_CA_AGE_DAYS) return [];
    return [{ message: `the swarm root CA was issued ${days} days ago (${issued.toISOString().slice(0, 10)}): rotate it with \`docker swarm ca --rotate\``, at: infoAt('Swarm.Cluster.TLSInfo.TrustRoot'), evidence: `root CA valid from ${issued.toISOString()}` }];
  },
});
