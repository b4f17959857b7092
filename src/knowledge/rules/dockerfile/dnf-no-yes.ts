import { dockerfileRule } from '../../../models/rule.ts';
import { withoutYes, DNF } from './support/rpm.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-dnf-no-yes',
    target: 'dockerfile',
    title: 'dnf install without -y',
    severity: 'low',
    peers: { hadolint: 'DL3038' },
    rationale: 'Without -y dnf asks for confirmation; a build has no one to answer, so it aborts.',
    remediation: 'Add `-y` (`dnf install -y pkg-1.2`).',
  },
  check: ({ dockerfile }) => withoutYes(dockerfile, DNF),
});
