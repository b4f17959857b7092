import type { DockerfileSpec } from '../../../models/dockerfile-spec.ts';
import { dockerfileRule } from '../../../models/rule.ts';
import { cleansAptLists, installsApt, updatesApt } from './support/packages.ts';
import { executable } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-apt-lists',
    target: 'dockerfile',
    title: 'apt package lists are left in the image',
    severity: 'low',
    peers: { hadolint: 'DL3009' },
    rationale: '`apt-get update` writes tens of megabytes to /var/lib/apt/lists; unless the RUN that updates and installs deletes them (or they sit on a cache mount) they stay in the layer forever, and stale lists mislead later installs. A RUN that only updates is reported by dockerfile-update-alone: deleting the lists there would break the install that follows.',
    remediation: 'End the RUN that installs with `&& rm -rf /var/lib/apt/lists/*` (or `apt-get dist-clean` on APT 2.7 and later), or mount them: `RUN --mount=type=cache,target=/var/lib/apt/lists ...`.',
  },
  check({ dockerfile }) {
    const shipped = shippedStages(dockerfile);
    return executable(dockerfile, 'RUN')
      .filter((i) => i.trigger || shipped.has(i.stage))
      // A RUN that only updates is dockerfile-update-alone's: removing the lists there would break the next install.
      .filter((i) => updatesApt(i) && installsApt(i) && !cleansAptLists(i))
      .map((i) => ({ message: 'apt-get update without removing /var/lib/apt/lists in the same RUN', at: i.at, evidence: `RUN ${i.text.slice(0, 100)}` }));
  },
});

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
