import type { DockerfileSpec, Instruction } from '../../models/dockerfile-spec.ts';
import { dockerfileRule } from '../rule.ts';
import { cacheMountTargets } from './support/packages.ts';
import { executable, operands } from './support/query.ts';

const APT = new Set(['apt-get', 'apt', 'aptitude']);

export default dockerfileRule({
  meta: {
    id: 'dockerfile-apt-lists',
    target: 'dockerfile',
    title: 'apt package lists are left in the image',
    severity: 'low',
    peers: { hadolint: 'DL3009' },
    rationale: '`apt-get update` writes tens of megabytes to /var/lib/apt/lists; unless the same RUN deletes them (or they sit on a cache mount) they stay in the layer forever, and stale lists mislead later installs.',
    remediation: 'End the same RUN with `&& rm -rf /var/lib/apt/lists/*`, or mount them: `RUN --mount=type=cache,target=/var/lib/apt/lists ...`.',
  },
  check({ dockerfile }) {
    const shipped = shippedStages(dockerfile);
    return executable(dockerfile, 'RUN')
      .filter((i) => i.trigger || shipped.has(i.stage))
      .filter((i) => updatesApt(i) && !cleansLists(i))
      .map((i) => ({ message: 'apt-get update without removing /var/lib/apt/lists in the same RUN', at: i.at, evidence: `RUN ${i.text.slice(0, 100)}` }));
  },
});

function updatesApt(i: Instruction): boolean {
  return !!i.shell?.commands.some((c) => APT.has(c.name) && operands(c)[0]?.value === 'update');
}

function cleansLists(i: Instruction): boolean {
  const mounts = cacheMountTargets(i.flags);
  if (mounts.includes('/var/lib/apt/lists') || (mounts.includes('/var/lib/apt') && mounts.includes('/var/cache/apt'))) return true;
  return !!i.shell?.commands.some((c) => c.name === 'rm' && operands(c).some((w) => w.value.startsWith('/var/lib/apt/lists')));
}

/** The final stage and the stages it is built on: what ends up in the image. */
export function shippedStages(spec: DockerfileSpec): Set<number> {
  // Without FROM (a fragment), everything is in the image.
  const out = new Set<number>(spec.stages.length === 0 ? [-1] : []);
  let s = spec.stages.at(-1);
  while (s && !out.has(s.index)) {
    out.add(s.index);
    s = s.base.stage !== undefined ? spec.stages[s.base.stage] : undefined;
  }
  return out;
}
