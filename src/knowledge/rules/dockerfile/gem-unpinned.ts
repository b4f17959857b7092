import type { ShellWord } from '../../../models/dockerfile-spec.ts';
import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-gem-unpinned',
    target: 'dockerfile',
    title: 'gem install without versions',
    severity: 'low',
    peers: { hadolint: 'DL3028' },
    rationale: 'An unpinned gem takes the latest release on build day: not reproducible, and a compromised release is installed unreviewed.',
    remediation: 'Pin versions: `gem install bundler:2.5.23` or `gem install bundler -v 2.5.23`.',
    cwe: ['CWE-1357'],
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'gem').flatMap((f) => {
      const args = f.command.argv.slice(1);
      if (!['install', 'i'].includes(args[0]?.value ?? '')) return [];
      const words = args.slice(1).map((w) => w.value);
      if (words.some((w) => w === '-v' || w === '--version' || w.startsWith('--version='))) return [];
      // Gem names come first; from the first option on, words belong to options (or, after `--`, to the build).
      const firstOption = args.slice(1).findIndex((w) => w.value.startsWith('-'));
      const names: ShellWord[] = firstOption < 0 ? args.slice(1) : args.slice(1, 1 + firstOption);
      const loose = names.filter((w) => !w.value.includes(':') && !w.value.includes('$'));
      return loose.length ? [{ message: `gem install without a version for ${loose.map((w) => w.value).join(', ')}`, at: loose[0]?.at ?? f.command.at, evidence: evidenceOf(f.command.text) }] : [];
    });
  },
});
