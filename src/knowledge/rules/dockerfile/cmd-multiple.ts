import { dockerfileRule } from '../../../models/rule.ts';
import { repeatedInStage } from './support/counted.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-cmd-multiple',
    target: 'dockerfile',
    title: 'A stage has more than one CMD',
    severity: 'low',
    peers: { hadolint: 'DL4003', trivy: 'DS016' },
    rationale: 'Only the last CMD of a stage takes effect; the others mislead readers about what the container runs.',
    remediation: 'Keep one CMD per stage.',
  },
  check: ({ dockerfile }) => repeatedInStage(dockerfile, 'CMD'),
});
