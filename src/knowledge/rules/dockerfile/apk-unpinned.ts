import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, packagesAfter, runCommands, subcommand } from './support/query.ts';

const APK_VALUED = ['-t', '--virtual', '-X', '--repository', '--root', '-p', '--arch', '--cache-dir', '--keys-dir'];

export default dockerfileRule({
  meta: {
    id: 'dockerfile-apk-unpinned',
    target: 'dockerfile',
    title: 'apk add without package versions',
    severity: 'low',
    peers: { hadolint: 'DL3018' },
    rationale: 'Unpinned packages take whatever the Alpine mirror has on build day: builds are not reproducible and changes arrive unreviewed.',
    remediation: 'Pin each package: `apk add --no-cache curl=8.11.1-r0` (or `curl~8.11`).',
    cwe: ['CWE-1357'],
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'apk')
      .filter((f) => subcommand(f.command) === 'add')
      .flatMap((f) => {
        const loose = packagesAfter(f.command, 'add', APK_VALUED).filter((w) => !/[=~<>]/.test(w.value) && !w.value.endsWith('.apk') && !w.value.includes('$'));
        return loose.length ? [{ message: `apk add without a version for ${loose.map((w) => w.value).join(', ')}`, at: loose[0]?.at ?? f.command.at, evidence: evidenceOf(f.command.text) }] : [];
      });
  },
});
