import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-sudo',
    target: 'dockerfile',
    title: 'RUN uses sudo',
    severity: 'medium',
    peers: { hadolint: 'DL3004', trivy: 'DS010', checkov: 'CKV2_DOCKER_1' },
    rationale: 'sudo in an image means a non-root user can become root at run time (and its TTY and signal handling misbehave in containers); builds already run as whatever USER says.',
    remediation: 'Drop sudo: switch with `USER root` for the steps that need root and back to the unprivileged user afterwards; for run time, use gosu or setpriv in the entrypoint if you must.',
    cwe: ['CWE-250'],
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'sudo').map((f) => ({ message: 'RUN calls sudo', at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});
