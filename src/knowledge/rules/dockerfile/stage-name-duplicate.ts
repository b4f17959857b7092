import { dockerfileRule, type Issue } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-stage-name-duplicate',
    target: 'dockerfile',
    title: 'Two stages share a name',
    severity: 'medium',
    peers: { hadolint: 'DL3024', trivy: 'DS012', checkov: 'CKV_DOCKER_11' },
    rationale: 'With two stages of one name, `--from` and `--target` pick the first one: the second is unreachable, or the wrong files are copied.',
    remediation: 'Give every stage a distinct name (`AS build`, `AS test`, `AS runtime`).',
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    const seen = new Map<string, number>();
    for (const s of dockerfile.stages) {
      if (s.name === undefined) continue;
      const first = seen.get(s.name);
      if (first !== undefined) out.push({ message: `stage name ${s.name} is already used by stage ${first + 1}`, at: s.from.at, evidence: `FROM ${s.from.text}` });
      else seen.set(s.name, s.index);
    }
    return out;
  },
});
