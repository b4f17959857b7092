import { dockerfileRule } from '../../../models/rule.ts';
import { unpinnedRpm, rpmVersioned, YUM } from './support/rpm.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-yum-unpinned',
    target: 'dockerfile',
    title: 'yum install without package versions',
    severity: 'low',
    peers: { hadolint: 'DL3033' },
    rationale: 'Unpinned packages take whatever the repository has on build day: builds are not reproducible and changes arrive unreviewed.',
    remediation: 'Pin each package: `yum install -y httpd-2.4.57` (modules: `tomcat:9`).',
  },
  check: ({ dockerfile }) => unpinnedRpm(dockerfile, YUM, rpmVersioned),
});
