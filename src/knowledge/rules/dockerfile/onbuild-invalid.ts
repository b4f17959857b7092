import { dockerfileRule } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-onbuild-invalid',
    target: 'dockerfile',
    title: 'ONBUILD registers ONBUILD, FROM or MAINTAINER',
    severity: 'medium',
    peers: { hadolint: 'DL3043' },
    rationale: 'The builder refuses ONBUILD ONBUILD, ONBUILD FROM and ONBUILD MAINTAINER: the image that inherits the trigger fails to build.',
    remediation: 'Remove the trigger, or register an instruction ONBUILD accepts.',
  },
  check({ dockerfile }) {
    return dockerfile.instructions
      .filter((i) => i.onbuild && ['ONBUILD', 'FROM', 'MAINTAINER'].includes(i.onbuild.keyword))
      .map((i) => ({ message: `ONBUILD ${i.onbuild?.keyword} is not allowed`, at: i.onbuild?.at ?? i.at, evidence: `ONBUILD ${i.text}` }));
  },
});
