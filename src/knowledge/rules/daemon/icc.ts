import { daemonRule } from '../../../models/rule.ts';
import { boolValue, configAt, evidenceOf, optionOf, remote, unsetBecause } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-icc',
    target: 'daemon',
    title: 'Containers on the default bridge can talk to each other',
    severity: 'medium',
    cis: { id: '2.2', automated: true },
    peers: { dockerBench: '2.2' },
    rationale:
      'With inter-container communication on (the default), every container on the default bridge network reaches every port of every other one, so one compromised container can probe and attack its neighbours or sniff what they expose.',
    remediation:
      'Set `"icc": false` in daemon.json (or start dockerd with `--icc=false`), and let containers that must talk share a user-defined network or publish ports explicitly.',
    cwe: ['CWE-923'],
    urls: ['https://docs.docker.com/engine/network/drivers/bridge/', 'https://docs.docker.com/reference/cli/dockerd/'],
  },
  check({ daemon }) {
    if (!daemon.local) return remote();
    const o = optionOf(daemon, 'icc');
    const icc = boolValue(o);
    if (icc === false) return [];
    if (o) return [{ message: `icc is ${JSON.stringify(o.value)}: containers on the default bridge reach each other on every port`, at: o.at, evidence: evidenceOf(o) }];
    return [
      {
        message: `icc is not set (${unsetBecause(daemon, 'icc')}), so the default applies: containers on the default bridge reach each other on every port`,
        at: configAt(daemon),
        evidence: 'icc: (not set, default true)',
      },
    ];
  },
});
