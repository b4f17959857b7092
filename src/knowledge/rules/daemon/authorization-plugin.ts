import { daemonRule } from '../../../models/rule.ts';
import { evidenceOf, infoAt, listValue, optionOf } from './support/options.ts';

export default daemonRule({
  meta: {
    id: 'daemon-authorization-plugin',
    target: 'daemon',
    title: 'No authorization plugin controls Docker API access',
    severity: 'medium',
    cis: { id: '2.12', automated: true, ids: { 'cis-1.8.0': '2.13' } },
    peers: { dockerBench: '2.12' },
    rationale:
      "Docker's own access control is all or nothing: whoever can reach the socket can do anything, including start a privileged container. An authorization plugin decides request by request what each client may do.",
    remediation:
      'Install an authorization plugin (for example `moat enforce`) and list it in `authorization-plugins` in daemon.json, or start dockerd with `--authorization-plugin=<PLUGIN>`.',
    cwe: ['CWE-862'],
    urls: ['https://docs.docker.com/engine/extend/plugins_authorization/'],
  },
  check({ daemon }) {
    // /info lists the plugins the running daemon consults, so this holds for a remote daemon too.
    if (daemon.info.authorizationPlugins.length > 0) return [];
    const o = optionOf(daemon, 'authorization-plugins');
    if (o && listValue(o).length > 0) {
      return [{ message: `authorization-plugins lists ${listValue(o).join(', ')} but the running daemon consults none: restart dockerd to apply it`, at: o.at, evidence: evidenceOf(o) }];
    }
    return [{ message: 'no authorization plugin is active: any client that reaches the Docker API may do anything', at: o?.at ?? infoAt('Plugins.Authorization'), evidence: 'Plugins.Authorization: (none)' }];
  },
});
