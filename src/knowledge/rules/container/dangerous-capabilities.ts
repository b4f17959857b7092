import { containerRule } from '../../../models/rule.ts';
import { CAPABILITY_RISKS } from './support/capability-sets.ts';

export default containerRule({
  meta: {
    id: 'container-dangerous-capabilities',
    target: 'container',
    title: 'Container is granted a dangerous capability',
    severity: 'high',
    cis: { id: '5.4', automated: true },
    peers: { dockerBench: ['C.5.3.1', 'C.5.3.2', 'C.5.3.3', 'C.5.3.4'] },
    rationale:
      "Each added capability is rated by the worst thing root in the container can do with it: SYS_ADMIN and SYS_MODULE (and ALL) are direct routes to the host (critical); DAC_READ_SEARCH (the 'shocker' file-handle escape), SYS_PTRACE, SYS_RAWIO, BPF, MAC_ADMIN, MAC_OVERRIDE and SYS_BOOT reach host memory, files, policy or the kernel (high); NET_ADMIN, PERFMON, SYS_TIME, SYSLOG and a few more change or observe state the host shares (medium); NET_RAW, SETPCAP, SYS_NICE and the rest are nuisances (low). An explicit add counts even for capabilities in Docker's default set (NET_RAW, SETPCAP after `--cap-drop ALL`), which docker-bench's 5.4 ignores. Default capabilities that are merely not dropped are reported by container-capabilities; the combinations that give host root by container-breakout-path.",
    remediation: 'Remove the `--cap-add` (compose: `cap_add:`) entries named in the finding; where one is truly needed, keep the rest of the container confined (non-root user, default seccomp and AppArmor, no host namespaces).',
    cwe: ['CWE-250'],
    urls: ['https://man7.org/linux/man-pages/man7/capabilities.7.html', 'https://github.com/cdk-team/CDK/wiki/Exploit:-cap-dac-read-search'],
  },
  check({ container }) {
    // Privileged containers hold all of these; container-privileged reports that once.
    if (container.privileged) return [];
    // ALL covers every other name in the list: one finding, not forty.
    const granted = container.capAdd.includes('ALL') ? ['ALL'] : container.capAdd;
    return granted.flatMap((cap) => {
      const risk = CAPABILITY_RISKS[cap];
      if (!risk) return [];
      const minus = cap === 'ALL' && container.capDrop.length ? ` (less ${container.capDrop.join(', ')})` : '';
      return [{ message: `is granted ${cap}${minus}: ${risk.allows}`, at: container.where.capAdd, evidence: `CapAdd: ${cap}`, severity: risk.severity }];
    });
  },
});
