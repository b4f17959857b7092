import { containerRule, notApplicable } from '../../../models/rule.ts';
import { NO_CGROUPS } from '../daemon/support/options.ts';

export default containerRule({
  meta: {
    id: 'container-cgroup-parent',
    target: 'container',
    title: 'Container runs under a non-default cgroup parent',
    severity: 'low',
    cis: { id: '5.25', automated: true },
    peers: { dockerBench: '5.25' },
    rationale: "The cgroup parent decides which limits and accounting apply to the container. Under a parent of someone's choosing a container can escape the limits meant for containers, or share them with other workloads; it must be a deliberate choice.",
    remediation: 'Remove `--cgroup-parent` (compose: `cgroup_parent:`) unless the parent is intended, and then record why.',
    cwe: ['CWE-770'],
  },
  check({ container, daemon }) {
    if (daemon?.info.cgroupDriver === 'none') return notApplicable(NO_CGROUPS);
    if (!container.cgroupParent) return [];
    return [{ message: `runs under cgroup parent ${container.cgroupParent}: confirm it is meant to and which limits apply there`, at: container.where.cgroupParent, evidence: `CgroupParent: ${container.cgroupParent}` }];
  },
});
