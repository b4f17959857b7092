import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { evidenceOf, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-chmod-world-writable',
    target: 'dockerfile',
    title: 'chmod makes files world-writable (777)',
    severity: 'medium',
    peers: { kics: '7a2f2e7b-3c4d-4c1b-9b0e-0c9e2d5f7a12' },
    rationale: 'World-writable files let any process in the container (a compromised unprivileged one included) replace programs, configuration or data, often a step to running code as another user.',
    remediation: 'Grant only what is needed: `chown app:app /data && chmod 750 /data` (or `COPY --chown=app:app --chmod=640`).',
    cwe: ['CWE-732'],
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const f of runCommands(dockerfile, 'chmod')) {
      const mode = f.command.argv.slice(1).find((w) => !w.value.startsWith('-') || /^-[0-7]/.test(w.value));
      if (mode && (/^0?[0-7]?[0-7][0-7][2367]$/.test(mode.value) || /(^|,)(a|o|)[+=][rwxXst]*w/.test(mode.value))) out.push({ message: `chmod ${mode.value} makes files world-writable`, at: mode.at, evidence: evidenceOf(f.command.text) });
    }
    return out;
  },
});
