import { dockerfileRule } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-from-platform-redundant',
    target: 'dockerfile',
    title: 'FROM --platform=$TARGETPLATFORM is redundant',
    severity: 'info',
    peers: { hadolint: 'DL3065' },
    rationale: 'The target platform is already the default for FROM; saying so adds noise and hides the stages where --platform really matters.',
    remediation: 'Remove `--platform=$TARGETPLATFORM`.',
  },
  check({ dockerfile }) {
    return dockerfile.stages.flatMap((s) => {
      const f = s.from.flags.find((x) => x.name === 'platform');
      return f?.value && /^"?\$\{?TARGETPLATFORM\}?"?$/.test(f.value) ? [{ message: 'FROM --platform=$TARGETPLATFORM repeats the default', at: f.at, evidence: `FROM ${s.from.text}` }] : [];
    });
  },
});
