import { dockerfileRule } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-from-platform',
    target: 'dockerfile',
    title: 'FROM pins a platform with a literal --platform',
    severity: 'low',
    peers: { hadolint: 'DL3029' },
    rationale: 'A literal `--platform` makes the build produce that platform whatever the builder is asked for (multi-platform builds then ship the wrong binaries under another architecture\'s tag).',
    remediation: 'Drop `--platform`, or use the build arguments: `FROM --platform=$BUILDPLATFORM ...`.',
  },
  check({ dockerfile }) {
    return dockerfile.stages.flatMap((s) => {
      const f = s.from.flags.find((x) => x.name === 'platform');
      return f?.value !== undefined && !f.value.includes('$') ? [{ message: `FROM --platform=${f.value} fixes the platform`, at: f.at, evidence: `FROM ${s.from.text}` }] : [];
    });
  },
});
