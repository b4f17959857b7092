import { dockerfileRule } from '../../../models/rule.ts';
import { hasOption, isAptInstall } from './support/packages.ts';
import { evidenceOf, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-apt-recommends',
    target: 'dockerfile',
    title: 'apt-get install without --no-install-recommends',
    severity: 'low',
    peers: { hadolint: 'DL3015', trivy: 'DS029' },
    rationale: 'Recommended packages roughly double what apt installs: more size, more packages to patch, more attack surface, none of it asked for.',
    remediation: 'Add `--no-install-recommends` to `apt-get install` (`moat lint --fix` does it).',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'apt-get')
      .filter((f) => isAptInstall(f.command) && !hasOption(f.command, 'no-install-recommends') && !f.command.argv.some((w) => /^APT::Install-Recommends=(false|0|no)$/i.test(w.value)))
      .map((f) => ({ message: 'apt-get install without --no-install-recommends', at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});
