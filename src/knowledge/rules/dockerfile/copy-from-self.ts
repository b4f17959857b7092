import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-copy-from-self',
    target: 'dockerfile',
    title: 'COPY --from names its own stage',
    severity: 'medium',
    peers: { hadolint: 'DL3023', trivy: 'DS006' },
    rationale: 'A stage cannot copy from itself; the builder fails, or resolves the name to an image of the same name.',
    remediation: 'Copy from an earlier stage, or use a plain COPY.',
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const i of executable(dockerfile, 'COPY')) {
      const from = i.flags.find((f) => f.name === 'from');
      const stage = dockerfile.stages[i.stage];
      if (from?.value && stage?.name !== undefined && from.value.toLowerCase() === stage.name) out.push({ message: `COPY --from=${from.value} copies from its own stage`, at: from.at, evidence: `COPY --from=${from.value}` });
    }
    return out;
  },
});
