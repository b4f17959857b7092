import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-env-self-reference',
    target: 'dockerfile',
    title: 'ENV uses a variable it defines in the same instruction',
    check: 'ENV does not use a variable it defines in the same instruction',
    severity: 'low',
    peers: { hadolint: 'DL3044' },
    rationale: 'All values of one ENV are expanded before any is set: `ENV A=1 B=$A` gives B the old A (often empty), not 1.',
    remediation: 'Split it: `ENV A=1` then `ENV B=$A`.',
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const i of executable(dockerfile, 'ENV')) {
      const earlier = new Set<string>();
      for (const p of i.pairs ?? []) {
        // Only a value with a `$` can use a variable: most have none, and are not scanned.
        const used = p.value?.includes('$') ? [...p.value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string).find((name) => earlier.has(name)) : undefined;
        if (used) out.push({ message: `ENV ${p.key} uses $${used}, which the same ENV sets`, at: p.valueAt ?? p.at, evidence: `${p.key}=${p.value}` });
        earlier.add(p.key);
      }
    }
    return out;
  },
});
