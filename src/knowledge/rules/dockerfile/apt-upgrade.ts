import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, runCommands, subcommand } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-apt-upgrade',
    target: 'dockerfile',
    title: 'RUN upgrades every package (apt-get upgrade / dist-upgrade)',
    severity: 'low',
    peers: { trivy: 'DS024' },
    rationale: 'A blanket upgrade makes the image depend on build day, can pull packages the base image maintainers held back, and hides which base you really ship; a fresh base tag is the reviewed way to get fixes.',
    remediation: 'Rebuild on a newer, pinned base image; upgrade only named packages (`apt-get install -y --only-upgrade openssl=...`).',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'apt-get', 'apt')
      .filter((f) => ['upgrade', 'dist-upgrade', 'full-upgrade'].includes(subcommand(f.command) ?? ''))
      .map((f) => ({ message: `RUN runs ${f.command.name} ${subcommand(f.command)}`, at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});
