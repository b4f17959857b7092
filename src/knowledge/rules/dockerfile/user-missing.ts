import { dockerfileRule } from '../../../models/rule.ts';
import { lastUsers } from './support/users.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-user-missing',
    target: 'dockerfile',
    title: 'No USER: the image runs as root',
    severity: 'high',
    cis: { id: '4.1', automated: true },
    peers: { trivy: 'DS002', checkov: 'CKV_DOCKER_3' },
    rationale: 'Without a USER instruction the container runs as the base image\'s user, usually root. CIS 4.1 asks that a user be created for the container and used.',
    remediation: 'Create an unprivileged user and switch to it at the end of the final stage: `RUN useradd --uid 10001 --no-create-home app` then `USER 10001`.',
    cwe: ['CWE-250'],
  },
  check({ dockerfile }) {
    const final = dockerfile.stages.at(-1);
    if (!final || final.base.scratch) return [];
    if (lastUsers(dockerfile).at(-1)?.user) return [];
    return [{ message: `the final stage (FROM ${final.base.raw}) never sets USER`, at: final.from.at, evidence: `FROM ${final.from.text}` }];
  },
});
