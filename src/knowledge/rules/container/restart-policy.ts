import { containerRule } from '../../../models/rule.ts';

export default containerRule({
  meta: {
    id: 'container-restart-policy',
    target: 'container',
    title: 'Container restarts without a retry limit',
    severity: 'low',
    cis: { id: '5.15', automated: true },
    peers: { dockerBench: '5.15' },
    rationale:
      "A container that restarts forever (`always`, `unless-stopped`, or `on-failure` with no count, which means unlimited) hides a crash loop or an attack that keeps killing it, and can load the host with restarts. The benchmark asks for `on-failure` with at most 5 retries. docker-bench reads only the retry count, so it passes `always` (count 0) and unlimited `on-failure`.",
    remediation: 'Use `--restart on-failure:5` (compose: `restart: on-failure:5`, or `deploy.restart_policy: {condition: on-failure, max_attempts: 5}`); supervise long-running services with an orchestrator that alerts on restarts.',
    cwe: ['CWE-400'],
  },
  check({ container }) {
    const { name, maxRetries } = container.restartPolicy;
    const at = container.where.restartPolicy;
    if (name === 'always' || name === 'unless-stopped') return [{ message: `restart policy ${name} restarts it forever`, at, evidence: `RestartPolicy: ${name}` }];
    if (name === 'on-failure' && (maxRetries <= 0 || maxRetries > 5)) {
      return [{ message: `restart policy on-failure ${maxRetries <= 0 ? 'has no retry limit (unlimited)' : `retries ${maxRetries} times (more than 5)`}`, at, evidence: `RestartPolicy: on-failure:${maxRetries}` }];
    }
    return [];
  },
});
