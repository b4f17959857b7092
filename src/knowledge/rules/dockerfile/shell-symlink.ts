import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, operands, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-shell-symlink',
    target: 'dockerfile',
    title: 'RUN replaces /bin/sh with a symbolic link',
    severity: 'low',
    peers: { hadolint: 'DL4005' },
    rationale: 'Relinking /bin/sh changes the shell of every later script and package maintainer script behind their backs; SHELL changes it for the Dockerfile only.',
    remediation: 'Use `SHELL ["/bin/bash", "-c"]`.',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'ln')
      .filter((f) => operands(f.command).at(-1)?.value === '/bin/sh')
      .map((f) => ({ message: 'ln replaces /bin/sh', at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});
