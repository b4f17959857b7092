import { dockerfileRule } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-healthcheck-missing',
    target: 'dockerfile',
    title: 'No HEALTHCHECK in the final stage',
    severity: 'low',
    cis: { id: '4.6', automated: true },
    peers: { hadolint: 'DL3057', trivy: 'DS026', checkov: 'CKV_DOCKER_2' },
    rationale: 'Without a health check the engine knows a container is running, not that it works: a hung service keeps receiving traffic and is never restarted.',
    remediation: 'Add `HEALTHCHECK CMD ["/app/healthcheck"]` (or `HEALTHCHECK NONE` to state that there deliberately is none).',
  },
  check({ dockerfile }) {
    const final = dockerfile.stages.at(-1);
    if (!final) return [];
    const has = (index: number, seen = new Set<number>()): boolean => {
      const s = dockerfile.stages[index];
      if (!s || seen.has(index)) return false;
      seen.add(index);
      return s.instructions.some((i) => i.keyword === 'HEALTHCHECK') || (s.base.stage !== undefined && has(s.base.stage, seen));
    };
    if (has(final.index)) return [];
    return [{ message: `the final stage (FROM ${final.base.raw}) has no HEALTHCHECK`, at: final.from.at, evidence: `FROM ${final.from.text}` }];
  },
});
