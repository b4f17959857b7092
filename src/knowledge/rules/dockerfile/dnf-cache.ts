import { dockerfileRule } from '../../../models/rule.ts';
import { cacheLeft, DNF } from './support/rpm.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-dnf-cache',
    target: 'dockerfile',
    title: 'dnf install leaves its cache in the image',
    severity: 'low',
    peers: { hadolint: 'DL3040' },
    rationale: 'dnf keeps downloaded packages and metadata under /var/cache; unless the same RUN cleans them (after installing) they stay in the layer.',
    remediation: 'End the RUN with `&& dnf clean all` (or mount /var/cache/libdnf5).',
  },
  check: ({ dockerfile }) => cacheLeft(dockerfile, DNF),
});
