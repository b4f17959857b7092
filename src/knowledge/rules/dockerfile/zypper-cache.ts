import { dockerfileRule } from '../../../models/rule.ts';
import { cacheLeft, ZYPPER } from './support/rpm.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-zypper-cache',
    target: 'dockerfile',
    title: 'zypper install leaves its cache in the image',
    severity: 'low',
    peers: { hadolint: 'DL3036' },
    rationale: 'zypper keeps downloaded packages in /var/cache/zypp; unless the same RUN cleans them they stay in the layer.',
    remediation: 'End the RUN with `&& zypper clean` (or mount /var/cache/zypp).',
  },
  check: ({ dockerfile }) => cacheLeft(dockerfile, ZYPPER),
});
