import { dockerfileRule } from '../../../models/rule.ts';
import { cacheLeft, YUM } from './support/rpm.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-yum-cache',
    target: 'dockerfile',
    title: 'yum install leaves its cache in the image',
    severity: 'low',
    peers: { hadolint: 'DL3032' },
    rationale: 'yum keeps downloaded packages and metadata in /var/cache/yum; unless the same RUN cleans them they stay in the layer.',
    remediation: 'End the RUN with `&& yum clean all` (or mount the cache).',
  },
  check: ({ dockerfile }) => cacheLeft(dockerfile, YUM),
});
