import { dockerfileRule } from '../../../models/rule.ts';
import { executable } from './support/query.ts';
import { addSources, destination } from './support/add.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-copy-from-root',
    target: 'dockerfile',
    title: 'COPY --from copies a whole root file system onto /',
    severity: 'medium',
    peers: { hadolint: 'DL3067' },
    rationale: 'Copying `/` of another stage onto `/` overwrites the target\'s /etc, /usr and package database with everything the builder stage had: tools, caches, credentials.',
    remediation: 'Copy only what is needed (`COPY --from=build /app /app`).',
  },
  check({ dockerfile }) {
    return executable(dockerfile, 'COPY')
      .filter((i) => i.flags.some((f) => f.name === 'from') && addSources(i).some((s) => s.value === '/') && destination(i)?.value === '/')
      .map((i) => ({ message: 'COPY --from copies / onto /', at: i.at, evidence: `COPY ${i.text}` }));
  },
});
