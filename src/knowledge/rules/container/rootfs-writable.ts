import { containerRule } from '../../../models/rule.ts';

export default containerRule({
  meta: {
    id: 'container-rootfs-writable',
    target: 'container',
    title: "Container's root filesystem is writable",
    severity: 'low',
    cis: { id: '5.13', automated: true },
    peers: { dockerBench: '5.13' },
    rationale: 'A read-only root filesystem stops an intruder from dropping tools or altering binaries inside the container, and makes drift impossible rather than merely detectable.',
    remediation: 'Run with `--read-only` (compose: `read_only: true`) and give the paths the workload writes a `--tmpfs` or a volume.',
    cwe: ['CWE-732'],
  },
  check({ container }) {
    if (container.readOnlyRootfs) return [];
    return [{ message: 'the root filesystem is writable', at: container.where.readOnlyRootfs, evidence: 'read-only: false' }];
  },
});
