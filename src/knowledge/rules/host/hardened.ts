import { hostRule, notApplicable } from '../../../models/rule.ts';
import { REMOTE } from './support/file-rules.ts';

export default hostRule({
  meta: {
    id: 'host-hardened',
    target: 'host',
    title: 'Confirm the container host is hardened',
    severity: 'info',
    cis: { id: '1.2.1', automated: false },
    peers: { dockerBench: '1.2.1' },
    rationale:
      'Containers share the host kernel: a weakness in the host (unpatched kernel, needless services, weak logins) is a weakness of every container on it. Moat checks the Docker parts; the rest of the host needs its own benchmark.',
    remediation:
      'Harden the host against the benchmark for its operating system (CIS Distribution Independent Linux or the distribution\'s own CIS benchmark, DISA STIG), keep the kernel patched, run only what the host needs, and keep a mandatory access control system (AppArmor or SELinux) enabled.',
    urls: ['https://www.cisecurity.org/cis-benchmarks'],
    manual: true,
  },
  check({ daemon, host }) {
    if (!host) return notApplicable(REMOTE);
    const k = host.kernel;
    const os = [daemon.info.operatingSystem, daemon.info.kernelVersion && `kernel ${daemon.info.kernelVersion}`].filter(Boolean).join(', ');
    const evidence = `${os ? `${os}; ` : ''}AppArmor ${k.apparmorEnabled ? 'enabled' : 'disabled'}, SELinux ${k.selinuxEnabled ? 'enabled' : 'disabled'}, cgroup v${k.cgroupVersion}`;
    const mac = k.apparmorEnabled || k.selinuxEnabled ? '' : '; neither AppArmor nor SELinux is enabled';
    return [{ message: `review this host against a hardening benchmark for its operating system${mac}`, evidence }];
  },
});
