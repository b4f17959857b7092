import { dockerfileRule } from '../../../models/rule.ts';
import { repeatedInStage } from './support/counted.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-entrypoint-multiple',
    target: 'dockerfile',
    title: 'A stage has more than one ENTRYPOINT',
    severity: 'medium',
    peers: { hadolint: 'DL4004', trivy: 'DS007' },
    rationale: 'Only the last ENTRYPOINT of a stage takes effect; an earlier one that looks like the real entry (a wrapper that drops privileges, say) silently does not run.',
    remediation: 'Keep one ENTRYPOINT per stage.',
  },
  check: ({ dockerfile }) => repeatedInStage(dockerfile, 'ENTRYPOINT'),
});
