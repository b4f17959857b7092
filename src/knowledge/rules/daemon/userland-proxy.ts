import { daemonRule } from '../../../models/rule.ts';
import { boolValue, configAt, evidenceOf, optionOf, remote, unsetBecause } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-userland-proxy',
    target: 'daemon',
    title: 'Userland proxy is enabled',
    severity: 'low',
    cis: { id: '2.16', automated: true, ids: { 'cis-1.8.0': '2.17' } },
    peers: { dockerBench: '2.16' },
    rationale:
      'The userland proxy runs a docker-proxy process for every published port, which adds attack surface and hides the client address; kernel NAT (hairpin) forwarding does the same job where the kernel supports it.',
    remediation: 'Set `"userland-proxy": false` in daemon.json, or start dockerd with `--userland-proxy=false`.',
    urls: ['https://docs.docker.com/engine/network/packet-filtering-firewalls/'],
  },
  check({ daemon }) {
    if (!daemon.local) return remote();
    const o = optionOf(daemon, 'userland-proxy');
    if (boolValue(o) === false) return [];
    if (o) return [{ message: `userland-proxy is ${JSON.stringify(o.value)}: a docker-proxy process serves every published port`, at: o.at, evidence: evidenceOf(o) }];
    return [
      {
        message: `userland-proxy is not set (${unsetBecause(daemon, 'userland-proxy')}), so the default (true) applies: a docker-proxy process serves every published port`,
        at: configAt(daemon),
        evidence: 'userland-proxy: (not set, default true)',
      },
    ];
  },
});
