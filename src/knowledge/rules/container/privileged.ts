import { containerRule } from '../../../models/rule.ts';

export default containerRule({
  meta: {
    id: 'container-privileged',
    target: 'container',
    title: 'Container runs in privileged mode',
    severity: 'critical',
    cis: { id: '5.5', automated: true },
    peers: { dockerBench: '5.5', kics: 'ae5b6871-7f45-42e0-bb4c-ab300c4d2026' },
    rationale:
      'A privileged container gets every capability, all host devices, and no seccomp, AppArmor or SELinux confinement: root in it is root on the host.',
    remediation: 'Remove `--privileged` (compose: `privileged: true`); add only the capabilities (`--cap-add`) and devices (`--device`) the workload needs.',
    cwe: ['CWE-250'],
    urls: ['https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities'],
  },
  check({ container }) {
    if (!container.privileged) return [];
    return [{ message: 'runs privileged: every capability, every host device, no confinement', at: container.where.privileged, evidence: 'privileged: true' }];
  },
});
