import { containerRule } from '../../../models/rule.ts';
import { EXEC_VISIBILITY, judgeExecs } from './support/execs.ts';
import { isRootUser, userOf } from './support/identity.ts';

export default containerRule({
  meta: {
    id: 'container-exec-root',
    target: 'container',
    title: 'An exec runs as root in the container',
    severity: 'medium',
    cis: { id: '5.24', automated: false },
    peers: { dockerBench: '5.24' },
    rationale: `\`docker exec --user root\` (or \`--user 0\`, or no --user in a container that runs as root) runs the command as root, with the container's capabilities, even when the workload was built to run unprivileged. Moat inspects every exec instance the engine reports; ${EXEC_VISIBILITY}.`,
    remediation: 'Run `docker exec --user UID` with the workload\'s own user; do maintenance as root in a separate, short-lived container. Restrict who may call exec with an authorization plugin.',
    cwe: ['CWE-250'],
    needs: ['execs'],
  },
  check(facts) {
    const containerRoot = userOf(facts).kind === 'root';
    return judgeExecs(
      facts,
      (e) => {
        if (e.user.trim() !== '') return isRootUser(e.user) ? `runs as root (--user ${e.user})` : undefined;
        return containerRoot ? "runs as root (no --user, and the container's user is root)" : undefined;
      },
      'none as root',
    );
  },
});
