import { dockerfileRule } from '../../../models/rule.ts';
import { pipInstall, pipPinned } from './support/pip.ts';
import { evidenceOf, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-pip-unpinned',
    target: 'dockerfile',
    title: 'pip install without package versions',
    severity: 'low',
    peers: { hadolint: 'DL3013' },
    rationale: 'Unpinned Python packages take whatever PyPI has on build day: builds are not reproducible, and a hijacked or typosquatted release is installed unreviewed.',
    remediation: 'Pin versions (`pip install requests==2.32.3`) or install from a requirements file with hashes (`pip install --require-hashes -r requirements.txt`).',
    cwe: ['CWE-1357'],
  },
  check({ dockerfile }) {
    return runCommands(dockerfile).flatMap((f) => {
      const p = pipInstall(f.command);
      if (!p || p.fromFile) return [];
      const loose = p.packages.filter((w) => !pipPinned(w.value) && !w.value.includes('$'));
      return loose.length ? [{ message: `${p.tool} install without a version for ${loose.map((w) => w.value).join(', ')}`, at: loose[0]?.at ?? f.command.at, evidence: evidenceOf(f.command.text) }] : [];
    });
  },
});
