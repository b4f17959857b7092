import { dockerfileRule, type Issue } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-wget-and-curl',
    target: 'dockerfile',
    title: 'Both wget and curl are used in one stage',
    severity: 'info',
    peers: { hadolint: 'DL4001', trivy: 'DS014' },
    rationale: 'Two download tools do the same job: one of them is extra size and extra attack surface.',
    remediation: 'Pick one of them for the whole stage.',
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    const groups = dockerfile.stages.length ? dockerfile.stages.map((s) => s.instructions) : [dockerfile.instructions];
    for (const list of groups) {
      const seen = new Set<string>();
      for (const top of list) {
        const i = top.onbuild ?? top;
        const used = new Set((i.shell?.commands ?? []).map((c) => c.name).filter((n) => n === 'wget' || n === 'curl'));
        const clash = used.size === 2 || [...used].some((u) => seen.has(u === 'wget' ? 'curl' : 'wget'));
        if (clash) out.push({ message: 'wget and curl are both used in this stage', at: i.at, evidence: `RUN ${i.text.slice(0, 80)}` });
        for (const u of used) seen.add(u);
      }
    }
    return out;
  },
});
