import { dockerfileRule } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-shell-form',
    target: 'dockerfile',
    title: 'CMD, ENTRYPOINT or HEALTHCHECK in shell form',
    severity: 'low',
    peers: { hadolint: 'DL3025' },
    rationale: 'In shell form the program runs under `/bin/sh -c`: the shell is PID 1 and does not forward SIGTERM, so the container is killed after the stop timeout instead of shutting down cleanly; a shell-form ENTRYPOINT also ignores the CMD and `docker run` arguments.',
    remediation: 'Use the exec (JSON) form: `CMD ["nginx", "-g", "daemon off;"]` (`moat lint --fix` rewrites simple CMDs).',
  },
  check({ dockerfile }) {
    return executable(dockerfile)
      .filter((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT' || (i.keyword === 'HEALTHCHECK' && /^(?:--\S+\s+)*CMD\s/i.test(i.text))) && !i.json && !(i.keyword === 'HEALTHCHECK' && /\bCMD\s+\[/i.test(i.text)))
      .map((i) => ({ message: `${i.keyword} uses the shell form`, at: i.at, evidence: `${i.keyword} ${i.text}` }));
  },
});
