import { dockerfileRule } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-expose-ssh',
    target: 'dockerfile',
    title: 'EXPOSE 22: the image offers SSH',
    severity: 'medium',
    peers: { trivy: 'DS004', checkov: 'CKV_DOCKER_1' },
    rationale: 'An SSH daemon in a container is another service to patch and another set of credentials to leak; `docker exec` already gives access when it is needed.',
    remediation: 'Remove `EXPOSE 22` and the SSH server; use `docker exec` (or kubectl exec) for access.',
  },
  check({ dockerfile }) {
    return executable(dockerfile, 'EXPOSE')
      .flatMap((i) => i.args.filter((w) => /^22(\/tcp)?$/i.test(w.value)).map((w) => ({ message: 'EXPOSE 22 publishes SSH', at: w.at, evidence: `EXPOSE ${i.text}` })));
  },
});
