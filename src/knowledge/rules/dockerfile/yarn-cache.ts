import { dockerfileRule } from '../../../models/rule.ts';
import { shippedStages } from './apt-lists.ts';
import { cacheMountTargets } from './support/packages.ts';
import { executable, operands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-yarn-cache',
    target: 'dockerfile',
    title: 'yarn install leaves its cache in the image',
    severity: 'low',
    peers: { hadolint: 'DL3060' },
    rationale: 'yarn keeps every downloaded package in its cache; unless the same RUN cleans it (or it sits on a cache mount) it stays in the layer.',
    remediation: 'Add `&& yarn cache clean` after `yarn install` in the same RUN, or `RUN --mount=type=cache,target=/root/.cache/yarn yarn install`.',
  },
  check({ dockerfile }) {
    const shipped = shippedStages(dockerfile);
    return executable(dockerfile, 'RUN')
      .filter((i) => (i.trigger || shipped.has(i.stage)) && !cacheMountTargets(i.flags).some((t) => t.endsWith('/.cache/yarn') || t.endsWith('/yarn')))
      .flatMap((i) => {
        const cmds = i.shell?.commands ?? [];
        const install = cmds.find((c) => c.name === 'yarn' && operands(c)[0]?.value === 'install');
        const clean = install && cmds.some((c) => c.name === 'yarn' && c.index > install.index && operands(c)[0]?.value === 'cache' && operands(c)[1]?.value === 'clean');
        return install && !clean ? [{ message: 'yarn install without yarn cache clean afterwards in the same RUN', at: install.at, evidence: `RUN ${i.text.slice(0, 100)}` }] : [];
      });
  },
});
