import { dockerfileRule } from '../../../models/rule.ts';
import { executable, subcommand } from './support/query.ts';

const MANAGERS = new Set(['apt-get', 'apt', 'apk', 'yum', 'dnf', 'microdnf', 'zypper']);

export default dockerfileRule({
  meta: {
    id: 'dockerfile-update-alone',
    target: 'dockerfile',
    title: 'Package index updated in a RUN of its own',
    severity: 'medium',
    cis: { id: '4.7', automated: true },
    peers: { trivy: 'DS017', checkov: 'CKV_DOCKER_5' },
    rationale: 'The layer cache keeps an `apt-get update` layer forever: later `install` steps use the stale index and miss security updates (CIS 4.7).',
    remediation: 'Update and install in one RUN: `RUN apt-get update && apt-get install -y --no-install-recommends pkg=1.2 && rm -rf /var/lib/apt/lists/*`.',
  },
  check({ dockerfile }) {
    return executable(dockerfile, 'RUN')
      .filter((i) => {
        const cmds = i.shell?.commands ?? [];
        const updates = cmds.filter((c) => MANAGERS.has(c.name) && (subcommand(c) === 'update' || (c.name === 'apk' && subcommand(c) === 'update')));
        return updates.length > 0 && !cmds.some((c) => MANAGERS.has(c.name) && ['install', 'add', 'upgrade', 'dist-upgrade', 'in'].includes(subcommand(c) ?? ''));
      })
      .map((i) => ({ message: 'the package index is updated in a RUN that installs nothing', at: i.at, evidence: `RUN ${i.text.slice(0, 100)}` }));
  },
});
