import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-cd',
    target: 'dockerfile',
    title: 'RUN changes directory with cd instead of WORKDIR',
    severity: 'info',
    peers: { hadolint: 'DL3003', trivy: 'DS013' },
    rationale: 'A `cd` lasts only for its RUN; later instructions run elsewhere, which makes paths hard to follow and easy to get wrong.',
    remediation: 'Use `WORKDIR /path` before the commands that need it.',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'cd').map((f) => ({ message: 'RUN uses cd to change directory', at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});
