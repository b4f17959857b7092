import type { DockerfileSpec } from '../../../../models/dockerfile-spec.ts';
import type { Issue } from '../../../../models/rule.ts';

/** Every `keyword` after the first in one stage (only the last one takes effect). */
export function repeatedInStage(spec: DockerfileSpec, keyword: string): Issue[] {
  const out: Issue[] = [];
  const groups = spec.stages.length ? spec.stages.map((s) => s.instructions) : [spec.instructions];
  for (const list of groups) {
    const found = list.filter((i) => i.keyword === keyword);
    for (const extra of found.slice(1)) out.push({ message: `${keyword} given ${found.length} times in one stage; only the last takes effect`, at: extra.at, evidence: `${keyword} ${extra.text}` });
  }
  return out;
}
