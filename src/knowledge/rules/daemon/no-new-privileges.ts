import { daemonRule } from '../../../models/rule.ts';
import { boolValue, configAt, evidenceOf, optionOf, remote, unsetBecause } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-no-new-privileges',
    target: 'daemon',
    title: 'Containers may gain new privileges by default',
    severity: 'medium',
    cis: { id: '2.14', automated: true, ids: { 'cis-1.8.0': '2.15' } },
    peers: { dockerBench: '2.14' },
    rationale:
      'Without no-new-privileges, a process in a container can gain privileges through setuid and setgid binaries or file capabilities, the usual step from an unprivileged foothold to root inside the container. Setting it daemon-wide protects every container that does not opt out.',
    remediation: 'Set `"no-new-privileges": true` in daemon.json, or start dockerd with `--no-new-privileges`.',
    cwe: ['CWE-269'],
    urls: ['https://docs.docker.com/reference/cli/dockerd/'],
  },
  check({ daemon }) {
    if (!daemon.local) return remote();
    const o = optionOf(daemon, 'no-new-privileges');
    if (boolValue(o) === true) return [];
    if (o) return [{ message: `no-new-privileges is ${JSON.stringify(o.value)}: setuid binaries in containers can raise privileges`, at: o.at, evidence: evidenceOf(o) }];
    return [
      {
        message: `no-new-privileges is not set (${unsetBecause(daemon, 'no-new-privileges')}): setuid binaries in containers can raise privileges`,
        at: configAt(daemon),
        evidence: 'no-new-privileges: (not set, default false)',
      },
    ];
  },
});
