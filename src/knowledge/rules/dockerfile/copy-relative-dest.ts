import type { DockerfileSpec } from '../../../models/dockerfile-spec.ts';
import { dockerfileRule } from '../../../models/rule.ts';
import { executable } from './support/query.ts';
import { destination } from './support/add.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-copy-relative-dest',
    target: 'dockerfile',
    title: 'COPY to a relative destination without a WORKDIR',
    severity: 'low',
    peers: { hadolint: 'DL3045' },
    rationale: 'A relative destination lands under the base image\'s working directory, which is whatever its authors chose and may change.',
    remediation: 'Set `WORKDIR /app` first, or use an absolute destination.',
  },
  check({ dockerfile }) {
    const firstWorkdir = dockerfile.stages.map((s) => s.instructions.find((i) => i.keyword === 'WORKDIR')?.span.line);
    return executable(dockerfile, 'COPY')
      .filter((i) => !i.trigger && !hasWorkdir(dockerfile, firstWorkdir, i.stage, i.span.line))
      .flatMap((i) => {
        const dest = destination(i);
        if (!dest || dest.value.startsWith('/') || dest.value.includes('$') || /^[A-Za-z]:[\\/]/.test(dest.value)) return [];
        return [{ message: `COPY to ${dest.value}, relative, with no WORKDIR set`, at: dest.at, evidence: `COPY ${i.text}` }];
      });
  },
});

/** A WORKDIR before `line` in the stage, or in a stage it is built on. */
function hasWorkdir(spec: DockerfileSpec, firstWorkdir: readonly (number | undefined)[], stage: number, line: number): boolean {
  const seen = new Set<number>();
  for (let s = spec.stages[stage], limit = line; s && !seen.has(s.index); s = s.base.stage !== undefined ? spec.stages[s.base.stage] : undefined, limit = Infinity) {
    seen.add(s.index);
    const w = firstWorkdir[s.index];
    if (w !== undefined && w < limit) return true;
  }
  return false;
}
