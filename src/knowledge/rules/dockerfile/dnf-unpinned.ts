import { dockerfileRule } from '../../../models/rule.ts';
import { unpinnedRpm, rpmVersioned, DNF } from './support/rpm.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-dnf-unpinned',
    target: 'dockerfile',
    title: 'dnf install without package versions',
    severity: 'low',
    peers: { hadolint: 'DL3041' },
    rationale: 'Unpinned packages take whatever the repository has on build day: builds are not reproducible and changes arrive unreviewed.',
    remediation: 'Pin each package: `dnf install -y httpd-2.4.57` (modules: `tomcat:9`).',
  },
  check: ({ dockerfile }) => unpinnedRpm(dockerfile, DNF, rpmVersioned),
});
