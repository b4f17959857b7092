import { containerRule } from '../../../models/rule.ts';
import { readSeccomp } from './support/seccomp-profile.ts';

export default containerRule({
  meta: {
    id: 'container-seccomp-unconfined',
    target: 'container',
    title: "Container runs without Docker's seccomp profile",
    severity: 'high',
    cis: { id: '5.22', automated: true },
    peers: { dockerBench: '5.22' },
    rationale:
      "The default seccomp profile blocks some 44 system calls (keyctl, mount, ptrace on older kernels, unshare...) that most kernel escapes start with; `seccomp=unconfined` lets the container call them all, and so does a profile whose `defaultAction` is `SCMP_ACT_ALLOW` or `SCMP_ACT_LOG` (every call it does not name is allowed). The profile is read as dockerd reads it (JSON, keys in any case); one that cannot be read is reported too, since Moat cannot say what it filters.",
    remediation: 'Remove `--security-opt seccomp=unconfined` (compose: `security_opt: [seccomp:unconfined]`) or the allow-all profile; if a workload needs one more syscall, start from the default profile and add only that call (`"defaultAction": "SCMP_ACT_ERRNO"`).',
    cwe: ['CWE-250'],
  },
  check({ container }) {
    const s = readSeccomp(container.security.seccomp);
    const at = container.where['security.seccomp'];
    if (s.kind === 'unconfined') return [{ message: `seccomp filtering is disabled (${s.why})`, at, evidence: s.why }];
    if (s.kind === 'unreadable') return [{ message: `${s.why}: Moat cannot tell what it filters`, at, evidence: 'seccomp=<inline profile>' }];
    return [];
  },
});
