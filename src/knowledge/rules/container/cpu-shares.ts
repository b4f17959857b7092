import { containerRule } from '../../../models/rule.ts';
import { limitEvidence, unenforcedLimit } from './support/limits.ts';

export default containerRule({
  meta: {
    id: 'container-cpu-shares',
    target: 'container',
    title: 'Container has no CPU priority or limit',
    severity: 'low',
    cis: { id: '5.12', automated: true },
    peers: { dockerBench: '5.12' },
    rationale:
      'Without CPU shares or a CPU limit every container weighs the same, so a busy or compromised one can starve the rest of the host. A relative weight (`--cpu-shares`), a hard limit (`--cpus`, or `--cpu-quota` with `--cpu-period`) each set an explicit priority.',
    remediation: 'Set `--cpu-shares 512` (compose: `cpu_shares: 512`) by the container\'s priority, or cap it with `--cpus 1.5` (compose: `cpus: 1.5` or `deploy.resources.limits.cpus`).',
    cwe: ['CWE-770'],
  },
  check({ container, daemon }) {
    const r = container.resources;
    const shares = (r.cpuShares ?? 0) > 0;
    const quota = (r.nanoCpus ?? 0) > 0 || (r.cpuQuota ?? 0) > 0;
    const sharesWhy = unenforcedLimit(daemon, 'cpuShares');
    const quotaWhy = unenforcedLimit(daemon, 'cpuQuota');
    // Either setting gives the container a priority, so it is enough that one that is set works.
    if ((shares && !sharesWhy) || (quota && !quotaWhy)) return [];
    const why = shares ? sharesWhy : quota ? quotaWhy : sharesWhy && quotaWhy;
    if (why) {
      const what = shares || quota ? 'its CPU shares or limit are not enforced' : 'sets neither CPU shares nor a CPU limit, and the daemon could not enforce either';
      return [{ message: `${what}: ${why}`, at: container.where['resources.cpuShares'], evidence: `CpuShares: ${r.cpuShares ?? 'unset'}, NanoCpus: ${r.nanoCpus ?? 'unset'}, CpuQuota: ${r.cpuQuota ?? 'unset'}; ${shares || !quota ? limitEvidence('cpuShares') : limitEvidence('cpuQuota')}` }];
    }
    if (shares || quota) return [];
    return [{ message: 'sets neither CPU shares nor a CPU limit: it competes for CPU with the same weight as everything else', at: container.where['resources.cpuShares'], evidence: `CpuShares: ${r.cpuShares ?? 'unset'}, NanoCpus: ${r.nanoCpus ?? 'unset'}, CpuQuota: ${r.cpuQuota ?? 'unset'}` }];
  },
});
