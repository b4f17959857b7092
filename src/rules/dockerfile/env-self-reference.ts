import { dockerfileRule, type Issue } from '../rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-env-self-reference',
    target: 'dockerfile',
    title: 'ENV uses a variable it defines in the same instruction',
    severity: 'low',
    peers: { hadolint: 'DL3044' },
    rationale: 'All values of one ENV are expanded before any is set: `ENV A=1 B=$A` gives B the old A (often empty), not 1.',
    remediation: 'Split it: `ENV A=1` then `ENV B=$A`.',
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const i of executable(dockerfile, 'ENV')) {
      const pairs = i.pairs ?? [];
      pairs.forEach((p, k) => {
        const earlier = pairs.slice(0, k).map((q) => q.key).find((name) => new RegExp(`\\$(?:\\{${name}[}:]|${name}(?![A-Za-z0-9_]))`).test(p.value ?? ''));
        if (earlier) out.push({ message: `ENV ${p.key} uses $${earlier}, which the same ENV sets`, at: p.valueAt ?? p.at, evidence: `${p.key}=${p.value}` });
      });
    }
    return out;
  },
});
