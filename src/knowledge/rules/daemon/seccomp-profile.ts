import { daemonRule } from '../../../models/rule.ts';
import { optionOrInfoAt, securityOptionsEvidence } from './support/options.ts';

/** What /info says when no daemon-wide profile is configured: `default` up to 20.10, `builtin` since 23.0. */
const DEFAULT_PROFILES = new Set(['', 'default', 'builtin']);

export default daemonRule({
  meta: {
    id: 'daemon-seccomp-profile',
    target: 'daemon',
    title: 'Daemon-wide seccomp profile needs review',
    severity: 'info',
    manual: true,
    cis: { id: '2.17', automated: false, ids: { 'cis-1.8.0': '2.18' } },
    peers: { dockerBench: '2.17' },
    rationale:
      "Seccomp limits the system calls containers can make, and with them the kernel attack surface. Docker's default profile suits most workloads; a stricter custom profile suits some, and only a person who knows the workloads can decide. Running without any profile is never right.",
    remediation:
      "Keep Docker's default profile, or write a stricter one and set it daemon-wide with `\"seccomp-profile\": \"/etc/docker/seccomp.json\"` in daemon.json (`--seccomp-profile /etc/docker/seccomp.json`); never `unconfined`.",
    urls: ['https://docs.docker.com/engine/security/seccomp/'],
  },
  check({ daemon }) {
    const at = optionOrInfoAt(daemon, 'seccomp-profile', 'SecurityOptions');
    const evidence = securityOptionsEvidence(daemon);
    const seccomp = daemon.info.securityOptions.find((o) => o.name === 'seccomp');
    if (!seccomp) {
      return [{ message: 'the engine reports no seccomp support: containers run without a system call filter', at, evidence, severity: 'high' }];
    }
    const profile = seccomp.details.profile ?? '';
    if (profile === 'unconfined') {
      return [{ message: 'the daemon-wide seccomp profile is unconfined: containers run without a system call filter unless they name one', at, evidence, severity: 'high' }];
    }
    if (DEFAULT_PROFILES.has(profile)) {
      return [{ message: "containers use Docker's default seccomp profile: confirm it suits these workloads, or apply a stricter daemon-wide profile", at, evidence }];
    }
    return [{ message: `a custom daemon-wide seccomp profile is in use (${profile}): review that it blocks at least what Docker's default profile blocks`, at, evidence }];
  },
});
