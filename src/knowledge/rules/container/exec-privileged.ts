import { containerRule } from '../../../models/rule.ts';
import { EXEC_VISIBILITY, judgeExecs } from './support/execs.ts';

export default containerRule({
  meta: {
    id: 'container-exec-privileged',
    target: 'container',
    title: 'A privileged exec runs in the container',
    severity: 'high',
    cis: { id: '5.23', automated: true },
    peers: { dockerBench: '5.23' },
    rationale: `\`docker exec --privileged\` gives the exec'd process every capability and no seccomp or AppArmor confinement inside an otherwise confined container. Moat inspects every exec instance the engine reports; ${EXEC_VISIBILITY}. docker-bench only notes the recommendation.`,
    remediation: 'Do not run `docker exec --privileged`; grant the capability the task needs to the container itself (`--cap-add`, compose `cap_add:`) or run the task in a separate, short-lived container. Restrict who may call exec with an authorization plugin.',
    cwe: ['CWE-250'],
    needs: ['execs'],
  },
  check(facts) {
    return judgeExecs(facts, (e) => (e.privileged ? 'runs privileged' : undefined), 'none privileged');
  },
});
