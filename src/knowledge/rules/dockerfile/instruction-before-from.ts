import { dockerfileRule } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-instruction-before-from',
    target: 'dockerfile',
    title: 'An instruction other than ARG comes before the first FROM',
    severity: 'medium',
    peers: { hadolint: 'DL3061' },
    rationale: 'Only ARG (and parser directives and comments) may precede the first FROM; the builder rejects anything else.',
    remediation: 'Start the Dockerfile with FROM (global ARGs may come first).',
  },
  check({ dockerfile }) {
    const first = dockerfile.instructions.find((i) => i.keyword !== 'ARG');
    return first && first.keyword !== 'FROM' ? [{ message: `${first.keyword} before the first FROM`, at: first.at, evidence: `${first.keyword} ${first.text.slice(0, 80)}` }] : [];
  },
});
