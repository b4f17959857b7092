import { containerRule } from '../../../models/rule.ts';
import { limitEvidence, unenforcedLimit } from './support/limits.ts';

export default containerRule({
  meta: {
    id: 'container-memory-limit',
    target: 'container',
    title: 'Container has no memory limit',
    severity: 'medium',
    cis: { id: '5.11', automated: true },
    peers: { dockerBench: '5.11' },
    rationale: 'Without a limit one container can take all host memory, and the kernel OOM killer then picks victims across every container and the daemon itself.',
    remediation: 'Set `--memory 512m` (compose: `mem_limit: 512m` or `deploy.resources.limits.memory`) from the workload\'s observed peak plus headroom.',
    cwe: ['CWE-770'],
  },
  check({ container, daemon }) {
    const m = container.resources.memory;
    const why = unenforcedLimit(daemon, 'memory');
    if (why) {
      const what = m !== undefined && m > 0 ? `its memory limit (${m} bytes) is not enforced` : 'no memory limit, and the daemon could not enforce one';
      return [{ message: `${what}: ${why}`, at: container.where['resources.memory'], evidence: `memory: ${m ?? 'unset'}; ${limitEvidence('memory')}` }];
    }
    if (m !== undefined && m > 0) return [];
    return [{ message: 'no memory limit: it may use all host memory', at: container.where['resources.memory'], evidence: `memory: ${m ?? 'unset'}` }];
  },
});
