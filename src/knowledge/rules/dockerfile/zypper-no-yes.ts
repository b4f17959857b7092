import { dockerfileRule } from '../../../models/rule.ts';
import { withoutYes, ZYPPER } from './support/rpm.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-zypper-no-yes',
    target: 'dockerfile',
    title: 'zypper install without -n',
    severity: 'low',
    peers: { hadolint: 'DL3034' },
    rationale: 'Without -n (--non-interactive) zypper asks for confirmation; a build has no one to answer, so it aborts.',
    remediation: 'Add `-n` (`zypper -n install pkg=1.2`).',
  },
  check: ({ dockerfile }) => withoutYes(dockerfile, ZYPPER),
});
