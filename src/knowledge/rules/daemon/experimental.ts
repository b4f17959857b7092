import { daemonRule } from '../../../models/rule.ts';
import { boolValue, optionOf } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-experimental',
    target: 'daemon',
    title: 'Experimental features are enabled on the daemon',
    severity: 'low',
    cis: { id: '2.18', automated: false, ids: { 'cis-1.8.0': '2.19' } },
    peers: { dockerBench: '2.18' },
    rationale:
      'Experimental features are not covered by API stability guarantees and have seen less testing and security review than the rest of the engine; they do not belong on production hosts.',
    remediation: 'Remove `"experimental": true` from daemon.json and `--experimental` from the dockerd command line on production hosts.',
    urls: ['https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file'],
  },
  check({ daemon }) {
    // The engine reports its own state, so this holds for a remote daemon too; the option only adds where it was set.
    const o = optionOf(daemon, 'experimental');
    const on = daemon.version.experimental || daemon.info.experimentalBuild || boolValue(o) === true;
    if (!on) return [];
    return [
      {
        message: 'experimental features are enabled on this daemon',
        at: o?.at ?? { path: '/version.Experimental' },
        evidence: `Experimental: ${daemon.version.experimental}; ExperimentalBuild: ${daemon.info.experimentalBuild}${o ? `; experimental: ${JSON.stringify(o.value)}` : ''}`,
      },
    ];
  },
});
