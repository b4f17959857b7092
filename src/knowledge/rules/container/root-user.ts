import { containerRule } from '../../../models/rule.ts';
import { userNamespaceRemapped, userOf } from './support/identity.ts';

export default containerRule({
  meta: {
    id: 'container-root-user',
    target: 'container',
    title: 'Container runs as root',
    severity: 'medium',
    cis: { id: '4.1', automated: true },
    peers: { dockerBench: '4.1' },
    rationale:
      "Root in a container is root on the host's kernel with Docker's default capabilities: one escape, a writable host mount or a mounted socket away from the host. The user that applies is the run-time `--user`, else the image's USER, else root. `--user 0:0`, `root`, `0` and an image without USER all mean root (docker-bench passes `0:0`). Where the daemon remaps user namespaces, container root is an unprivileged host user and the finding is low. A compose file or `docker run` line that sets no user, judged without its image, is reported too, saying the image's USER decides: most images run as root.",
    remediation: 'Run as an unprivileged user: `--user 10001:10001` (compose: `user: "10001:10001"`), or add `USER 10001` to the image after creating that user; enable `userns-remap` in daemon.json for defence in depth.',
    cwe: ['CWE-250'],
    urls: ['https://docs.docker.com/engine/security/userns-remap/'],
  },
  check(facts) {
    const u = userOf(facts);
    if (u.kind === 'non-root') return [];
    const remapped = userNamespaceRemapped(facts);
    const note = remapped ? ' (user namespaces are remapped: container root is an unprivileged user on the host)' : '';
    return [{ message: `${u.because}${note}`, at: u.at, evidence: `User: ${u.shown}`, ...(remapped ? { severity: 'low' as const } : {}) }];
  },
});
