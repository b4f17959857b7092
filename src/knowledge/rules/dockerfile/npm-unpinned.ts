import type { ShellWord } from '../../../models/dockerfile-spec.ts';
import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, runCommands } from './support/query.ts';

const NPM_VALUED = new Set(['--registry', '--loglevel', '--prefix', '--cache', '--userconfig', '--tag', '-w', '--workspace', '--omit', '--include']);

export default dockerfileRule({
  meta: {
    id: 'dockerfile-npm-unpinned',
    target: 'dockerfile',
    title: 'npm install of packages without versions',
    severity: 'low',
    peers: { hadolint: 'DL3016' },
    rationale: 'An unpinned `npm install pkg` takes the latest release on build day: not reproducible, and a compromised release is installed unreviewed.',
    remediation: 'Pin versions (`npm install express@4.21.2`), or install from the lockfile with `npm ci`.',
    cwe: ['CWE-1357'],
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'npm').flatMap((f) => {
      const args = f.command.argv.slice(1);
      if (!['install', 'i', 'add'].includes(args[0]?.value ?? '')) return [];
      const packages: ShellWord[] = [];
      for (let k = 1; k < args.length; k++) {
        const w = (args[k] as ShellWord).value;
        if (w.startsWith('-')) {
          if (NPM_VALUED.has(w)) k++;
          continue;
        }
        packages.push(args[k] as ShellWord);
      }
      const loose = packages.filter((w) => !npmPinned(w.value));
      return loose.length ? [{ message: `npm install without a version for ${loose.map((w) => w.value).join(', ')}`, at: loose[0]?.at ?? f.command.at, evidence: evidenceOf(f.command.text) }] : [];
    });
  },
});

function npmPinned(spec: string): boolean {
  if (spec.includes('$')) return true;
  if (/^(git(\+\w+)?|https?):\/\//.test(spec) || spec.startsWith('git+')) return spec.includes('#');
  if (/^(\/|\.\/|\.\.\/|~\/)/.test(spec) || /\.(tar|tar\.gz|tgz)$/.test(spec)) return true;
  // `@scope/name@1.2` and `name@1.2`: a version after a non-leading @.
  return spec.indexOf('@', 1) > 0;
}
