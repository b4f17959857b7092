import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-apt-cli',
    target: 'dockerfile',
    title: 'RUN uses apt instead of apt-get',
    severity: 'info',
    peers: { hadolint: 'DL3027' },
    rationale: '`apt` is for people: its output and behaviour may change between releases and it warns that it has no stable interface for scripts. `apt-get` is the scriptable front end.',
    remediation: 'Use `apt-get` (or `apt-cache`) in Dockerfiles.',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'apt').map((f) => ({ message: 'RUN uses apt; use apt-get in scripts', at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});
