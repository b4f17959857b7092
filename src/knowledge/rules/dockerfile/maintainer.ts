import { dockerfileRule } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-maintainer',
    target: 'dockerfile',
    title: 'MAINTAINER is deprecated',
    severity: 'info',
    peers: { hadolint: 'DL4000', trivy: 'DS022', checkov: 'CKV_DOCKER_6' },
    rationale: 'MAINTAINER has been deprecated since Docker 1.13; tools read the `org.opencontainers.image.authors` label instead.',
    remediation: 'Replace it with `LABEL org.opencontainers.image.authors="name <mail>"`.',
  },
  check({ dockerfile }) {
    return executable(dockerfile, 'MAINTAINER').map((i) => ({ message: 'MAINTAINER is deprecated', at: i.at, evidence: `MAINTAINER ${i.text}` }));
  },
});
