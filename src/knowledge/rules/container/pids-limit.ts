import { containerRule } from '../../../models/rule.ts';
import { limitEvidence, unenforcedLimit } from './support/limits.ts';

export default containerRule({
  meta: {
    id: 'container-pids-limit',
    target: 'container',
    title: 'Container has no PIDs limit',
    severity: 'medium',
    cis: { id: '5.29', automated: true },
    peers: { dockerBench: '5.29' },
    rationale: 'Without a PIDs limit a fork bomb in one container exhausts the host\'s process table and takes every other container and the host down with it.',
    remediation: 'Set `--pids-limit 200` (compose: `pids_limit: 200`) from the workload\'s observed peak plus headroom.',
    cwe: ['CWE-770'],
  },
  check({ container, daemon }) {
    const p = container.resources.pidsLimit;
    const why = unenforcedLimit(daemon, 'pids');
    if (why) {
      const what = p !== undefined && p > 0 ? `its PIDs limit (${p}) is not enforced` : 'no PIDs limit, and the daemon could not enforce one';
      return [{ message: `${what}: ${why}`, at: container.where['resources.pidsLimit'], evidence: `pids-limit: ${p ?? 'unset'}; ${limitEvidence('pids')}` }];
    }
    if (p !== undefined && p > 0) return [];
    return [{ message: 'no PIDs limit: a fork bomb can exhaust the host process table', at: container.where['resources.pidsLimit'], evidence: `pids-limit: ${p ?? 'unset'}` }];
  },
});
