import { daemonRule, notApplicable } from '../../../models/rule.ts';
import { evidenceOf, hasSecurityOption, infoAt, optionOf, securityOptionsEvidence, stringValue } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-userns',
    target: 'daemon',
    title: 'User namespace remapping is not enabled',
    severity: 'medium',
    cis: { id: '2.9', automated: true, ids: { 'cis-1.8.0': '2.10' } },
    peers: { dockerBench: '2.9' },
    rationale:
      'Without user namespace remapping, uid 0 in a container is uid 0 on the host: a process that escapes the container, or writes through a bind mount, does so as root. Remapping maps container root to an unprivileged range of host ids.',
    remediation:
      'Set `"userns-remap": "default"` (or a user name) in daemon.json, or start dockerd with `--userns-remap=default`, after providing ranges in /etc/subuid and /etc/subgid; rootless mode (`--rootless`) gives the same protection.',
    cwe: ['CWE-250'],
    urls: ['https://docs.docker.com/engine/security/userns-remap/'],
  },
  check({ daemon }) {
    // /info reports what the running daemon does, so this verdict holds for a remote daemon too.
    if (daemon.rootless) {
      const who = daemon.rootless.user ?? (daemon.rootless.uid !== undefined ? `uid ${daemon.rootless.uid}` : 'its user');
      return notApplicable(
        `not applicable (rootless daemon): dockerd and its containers run in ${who}'s user namespace, so root in a container is ${who} on the host, which is what remapping achieves; remapping inside it would only nest another range in the user's own`,
      );
    }
    if (hasSecurityOption(daemon, 'userns') || hasSecurityOption(daemon, 'rootless')) return [];
    const o = optionOf(daemon, 'userns-remap');
    if (o && stringValue(o) !== undefined) {
      return [
        {
          message: `userns-remap is set to ${JSON.stringify(o.value)} but the running daemon does not remap user namespaces: restart dockerd to apply it`,
          at: o.at,
          evidence: `${evidenceOf(o)}; ${securityOptionsEvidence(daemon)}`,
        },
      ];
    }
    return [{ message: 'user namespace remapping is off: root in a container is root on the host', at: o?.at ?? infoAt('SecurityOptions'), evidence: securityOptionsEvidence(daemon) }];
  },
});
