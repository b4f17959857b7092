import { dockerfileRule } from '../../../models/rule.ts';

const RESERVED = new Set(['scratch', 'context']);

export default dockerfileRule({
  meta: {
    id: 'dockerfile-stage-name-reserved',
    target: 'dockerfile',
    title: 'Stage named scratch or context',
    severity: 'medium',
    peers: { hadolint: 'DL3063' },
    rationale: '`scratch` and `context` mean the empty image and the build context to the builder; a stage of that name is ambiguous in FROM and --from.',
    remediation: 'Rename the stage.',
  },
  check({ dockerfile }) {
    return dockerfile.stages.filter((s) => s.name !== undefined && RESERVED.has(s.name)).map((s) => ({ message: `stage named ${s.name}, a reserved name`, at: s.from.at, evidence: `FROM ${s.from.text}` }));
  },
});
