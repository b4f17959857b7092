import { dockerfileRule } from '../../../models/rule.ts';
import { unpinnedRpm, ZYPPER } from './support/rpm.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-zypper-unpinned',
    target: 'dockerfile',
    title: 'zypper install without package versions',
    severity: 'low',
    peers: { hadolint: 'DL3037' },
    rationale: 'Unpinned packages take whatever the repository has on build day: builds are not reproducible and changes arrive unreviewed.',
    remediation: 'Pin each package: `zypper install -n tomcat=9.0.39` (or a range `tomcat\\>=9.0`).',
  },
  check: ({ dockerfile }) => unpinnedRpm(dockerfile, ZYPPER, (w) => /[=<>]/.test(w) || w.endsWith('.rpm')),
});
