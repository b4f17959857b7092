import { dockerfileRule, type Issue } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-healthcheck-multiple',
    target: 'dockerfile',
    title: 'A stage has more than one HEALTHCHECK',
    severity: 'low',
    peers: { hadolint: 'DL3012', trivy: 'DS023' },
    rationale: 'Only the last HEALTHCHECK of a stage takes effect; earlier ones are dead text that readers take for the real check.',
    remediation: 'Keep one HEALTHCHECK per stage.',
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const s of dockerfile.stages) {
      const checks = s.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
      for (const extra of checks.slice(1)) out.push({ message: `HEALTHCHECK given ${checks.length} times in one stage; only the last counts`, at: extra.at, evidence: `HEALTHCHECK ${extra.text}` });
    }
    return out;
  },
});
