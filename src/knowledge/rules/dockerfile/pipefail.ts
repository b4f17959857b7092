import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

/** Shells where `-o pipefail` exists (dash, the usual /bin/sh, has none). */
const PIPEFAIL_SHELLS = new Set(['bash', 'zsh', 'ksh', 'mksh', 'ash']);

export default dockerfileRule({
  meta: {
    id: 'dockerfile-pipefail',
    target: 'dockerfile',
    title: 'RUN with a pipe but without pipefail',
    severity: 'medium',
    peers: { hadolint: 'DL4006' },
    rationale: 'A pipeline fails only if its last command fails: `curl ... | tar x` with a failed download builds an image without the files, silently.',
    remediation: 'Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN (or start the RUN with `set -o pipefail &&` in bash).',
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const i of executable(dockerfile, 'RUN')) {
      const script = i.shell;
      if (!script?.hasPipe) continue;
      const shell = script.shell;
      const base = shell[0]?.split('/').pop() ?? '';
      if (PIPEFAIL_SHELLS.has(base) && hasPipefail(shell.slice(1))) continue;
      const firstPipe = script.commands.find((c) => c.pipeline !== undefined);
      // `set -o pipefail` earlier in the same RUN (bash) also protects the pipes after it.
      const setBefore = script.commands.some((c) => c.name === 'set' && hasPipefail(c.argv.slice(1).map((w) => w.value)) && (firstPipe === undefined || c.index < firstPipe.index));
      if (setBefore && PIPEFAIL_SHELLS.has(base)) continue;
      out.push({ message: `RUN pipes output without pipefail (shell ${shell.join(' ')})`, at: firstPipe?.at ?? i.at, evidence: `RUN ${i.text.slice(0, 100)}` });
    }
    return out;
  },
});

function hasPipefail(args: readonly string[]): boolean {
  return args.some((a, k) => (a === '-o' || /^-[a-z]*o$/.test(a)) && args[k + 1] === 'pipefail');
}
