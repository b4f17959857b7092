import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-copy-from-unknown',
    target: 'dockerfile',
    title: 'COPY --from names a stage that is not defined before it',
    severity: 'medium',
    peers: { hadolint: 'DL3022' },
    rationale: 'A --from that matches no earlier stage is taken as an image name and pulled from a registry: a typo silently copies files out of whatever image answers to that name.',
    remediation: 'Name an earlier stage (`FROM golang:1.23 AS build` … `COPY --from=build`), or write the full image reference with its tag.',
    cwe: ['CWE-829'],
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    const firstByName = new Map<string, number>();
    for (const s of dockerfile.stages) if (s.name !== undefined && !firstByName.has(s.name)) firstByName.set(s.name, s.index);
    for (const i of executable(dockerfile, 'COPY')) {
      const from = i.flags.find((f) => f.name === 'from');
      const v = from?.value?.toLowerCase();
      if (!from || !v || v.includes('$') || /[:/@]/.test(v)) continue;
      const current = i.stage < 0 ? 0 : i.stage;
      const first = firstByName.get(v);
      const known = /^\d+$/.test(v) ? Number(v) < current : first !== undefined && first < current;
      if (!known) out.push({ message: `COPY --from=${from.value} matches no earlier stage`, at: from.at, evidence: `COPY --from=${from.value}` });
    }
    return out;
  },
});
