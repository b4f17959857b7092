import { dockerfileRule } from '../../../models/rule.ts';
import { aptPackages, isAptInstall } from './support/packages.ts';
import { evidenceOf, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-apt-unpinned',
    target: 'dockerfile',
    title: 'apt-get install without package versions',
    severity: 'low',
    peers: { hadolint: 'DL3008' },
    rationale: 'Unpinned packages take whatever version the mirror has on build day: builds are not reproducible and an upgrade with a regression or a compromise arrives unreviewed.',
    remediation: 'Pin each package: `apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8`.',
    cwe: ['CWE-1357'],
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'apt-get')
      .filter((f) => isAptInstall(f.command))
      .flatMap((f) => {
        const loose = aptPackages(f.command).filter((w) => !w.value.includes('=') && !w.value.includes('$'));
        return loose.length ? [{ message: `apt-get install without a version for ${loose.map((w) => w.value).join(', ')}`, at: loose[0]?.at ?? f.command.at, evidence: evidenceOf(f.command.text) }] : [];
      });
  },
});
