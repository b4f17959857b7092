import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-go-unpinned',
    target: 'dockerfile',
    title: 'go install, get or run of a module without a version',
    severity: 'low',
    peers: { hadolint: 'DL3062' },
    rationale: 'Without `@version` (or with `@latest`) the module is whatever its repository holds on build day: not reproducible, and a hijacked module is fetched unreviewed.',
    remediation: 'Pin the version: `go install example.com/tool@v1.2.3`.',
    cwe: ['CWE-1357'],
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'go').flatMap((f) => {
      const words = f.command.argv.slice(1).map((w) => w.value);
      const sub = words[0];
      if (sub !== 'install' && sub !== 'get' && sub !== 'run') return [];
      const pkg = f.command.argv.slice(2).find((w) => !w.value.startsWith('-') || w.value === '-tool');
      const target = pkg?.value === '-tool' ? f.command.argv[f.command.argv.indexOf(pkg) + 1] : pkg;
      if (!target || target.value.startsWith('.') || target.value.startsWith('/') || target.value.includes('$')) return [];
      const version = target.value.split('@')[1];
      return version === undefined || version === 'latest' ? [{ message: `go ${sub} ${target.value} without a pinned version`, at: target.at, evidence: evidenceOf(f.command.text) }] : [];
    });
  },
});
