import { daemonRule } from '../../../models/rule.ts';
import { hasSecurityOption, infoAt, securityOptionsEvidence } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-rootless',
    target: 'daemon',
    title: 'Docker daemon runs as root',
    severity: 'info',
    manual: true,
    cis: { id: '2.1', automated: false },
    peers: { dockerBench: '2.1' },
    rationale:
      'A daemon running as root turns any escape from a container, or any abuse of the Docker API, into root on the host. Rootless mode runs dockerd and its containers as an unprivileged user, at the cost of limits on networking, storage drivers and resource control that only the operator can weigh.',
    remediation:
      'Where its limitations are acceptable, install Docker in rootless mode (`dockerd-rootless-setuptool.sh install`) and run `dockerd --rootless` (daemon.json key `rootless`); otherwise enable user namespace remapping (`userns-remap`, `--userns-remap`).',
    cwe: ['CWE-250'],
    urls: ['https://docs.docker.com/engine/security/rootless/'],
  },
  check({ daemon }) {
    if (hasSecurityOption(daemon, 'rootless')) return [];
    return [
      {
        message: 'the daemon runs as root (its security options do not include rootless): decide whether rootless mode fits this host',
        at: infoAt('SecurityOptions'),
        evidence: securityOptionsEvidence(daemon),
      },
    ];
  },
});
