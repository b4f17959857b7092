import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, hasOption, runCommands } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-wget-progress',
    target: 'dockerfile',
    title: 'wget without --progress floods the build log',
    severity: 'info',
    peers: { hadolint: 'DL3047' },
    rationale: 'Without a terminal wget prints a progress line per chunk: megabytes of build log that hide the lines that matter.',
    remediation: 'Use `wget --progress=dot:giga` or `-q`/`-nv`.',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'wget')
      .filter((f) => !hasOption(f.command, 'progress', 'q', 'quiet', 'no-verbose', 'o', 'output-file', 'a', 'append-output') && !f.command.argv.some((w) => w.value === '-nv'))
      .map((f) => ({ message: 'wget without --progress or -q', at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});
