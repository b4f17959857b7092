import { containerRule, notApplicable } from '../../../models/rule.ts';
import { apparmorOnHost, explicitSecurityOpt } from './support/confinement.ts';

export default containerRule({
  meta: {
    id: 'container-apparmor',
    target: 'container',
    title: 'Container runs without an AppArmor profile',
    severity: 'high',
    cis: { id: '5.2', automated: true },
    peers: { dockerBench: '5.2' },
    rationale:
      "On an AppArmor host Docker confines every container with the docker-default profile, which denies mount, writes to most of /proc and /sys, and tracing of processes outside the container: the steps most escapes take. `apparmor=unconfined` loses all of that. On hosts without AppArmor the check does not apply (SELinux, 5.3, is the alternative there). Privileged containers are never confined; container-privileged reports them.",
    remediation:
      'Remove `--security-opt apparmor=unconfined` (compose: `security_opt: [apparmor:unconfined]`); if the workload needs more than docker-default allows, load a profile of its own with `apparmor_parser` and run it with `--security-opt apparmor=PROFILE` (compose: `security_opt: [apparmor:PROFILE]`).',
    cwe: ['CWE-693'],
    urls: ['https://docs.docker.com/engine/security/apparmor/'],
  },
  check(facts) {
    const { container } = facts;
    if (apparmorOnHost(facts) === false) {
      return notApplicable(facts.daemon ? 'the daemon applies no AppArmor profiles: AppArmor is not enabled on this host (no apparmor in /info SecurityOptions)' : 'AppArmor is not enabled on this host');
    }
    const explicit = explicitSecurityOpt(facts, 'apparmor', 'unconfined');
    const at = container.where['security.apparmor'];
    if (explicit) return [{ message: 'runs with AppArmor switched off (apparmor=unconfined)', at, evidence: 'apparmor=unconfined' }];
    if (container.privileged) return [];
    const p = container.security.apparmor;
    if (p?.toLowerCase() === 'unconfined') return [{ message: 'runs unconfined by AppArmor', at, evidence: `AppArmorProfile: ${p}` }];
    return [];
  },
});
