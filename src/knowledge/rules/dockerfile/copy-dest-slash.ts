import { dockerfileRule } from '../../../models/rule.ts';
import { executable } from './support/query.ts';
import { addSources, destination } from './support/add.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-copy-dest-slash',
    target: 'dockerfile',
    title: 'COPY of several sources to a destination without a trailing slash',
    severity: 'medium',
    peers: { hadolint: 'DL3021', trivy: 'DS011' },
    rationale: 'With more than one source the destination must be a directory; without the trailing `/` the build fails.',
    remediation: 'End the destination with `/` (`COPY a b /app/`).',
  },
  check({ dockerfile }) {
    return executable(dockerfile)
      .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.heredocs.length === 0 && addSources(i).length > 1)
      .flatMap((i) => {
        const dest = destination(i);
        return dest && !dest.value.endsWith('/') && !dest.value.endsWith('\\') ? [{ message: `${i.keyword} of ${addSources(i).length} sources to ${dest.value}, which does not end with /`, at: dest.at, evidence: `${i.keyword} ${i.text}` }] : [];
      });
  },
});
