import { dockerfileRule } from '../../../models/rule.ts';
import { withoutYes, YUM } from './support/rpm.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-yum-no-yes',
    target: 'dockerfile',
    title: 'yum install without -y',
    severity: 'low',
    peers: { hadolint: 'DL3030' },
    rationale: 'Without -y yum asks for confirmation; a build has no one to answer, so it aborts.',
    remediation: 'Add `-y` (`yum install -y pkg-1.2`).',
  },
  check: ({ dockerfile }) => withoutYes(dockerfile, YUM),
});
