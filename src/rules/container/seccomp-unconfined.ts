import { containerRule } from '../rule.ts';

export default containerRule({
  meta: {
    id: 'container-seccomp-unconfined',
    target: 'container',
    title: "Container runs without Docker's seccomp profile",
    severity: 'high',
    cis: { id: '5.22', automated: true },
    peers: { dockerBench: '5.22' },
    rationale: "The default seccomp profile blocks some 44 system calls (keyctl, mount, ptrace on older kernels, unshare...) that most kernel escapes start with; `seccomp=unconfined` lets the container call them all.",
    remediation: 'Remove `--security-opt seccomp=unconfined` (compose: `security_opt: [seccomp:unconfined]`); if a workload needs one more syscall, write a profile that adds only that call.',
    cwe: ['CWE-250'],
  },
  check({ container }) {
    if (container.security.seccomp?.toLowerCase() !== 'unconfined') return [];
    return [{ message: 'seccomp filtering is disabled (seccomp=unconfined)', at: container.where['security.seccomp'], evidence: 'seccomp=unconfined' }];
  },
});
