import { dockerfileRule } from '../../../models/rule.ts';
import { hasOption, isAptInstall } from './support/packages.ts';
import { evidenceOf, runCommands } from './support/query.ts';

/** apt-get's options that only print what would be done: nothing to confirm. */
const SIMULATE = ['s', 'simulate', 'dry-run', 'just-print', 'no-act', 'recon'];

export default dockerfileRule({
  meta: {
    id: 'dockerfile-apt-no-yes',
    target: 'dockerfile',
    title: 'apt-get install without -y',
    severity: 'low',
    peers: { hadolint: 'DL3014', trivy: 'DS021' },
    rationale: 'Without `-y` apt-get asks for confirmation; a build has no one to answer, so it aborts (or depends on a quiet level that implies yes).',
    remediation: 'Add `-y` (`apt-get install -y --no-install-recommends ...`).',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'apt-get')
      .filter((f) => isAptInstall(f.command) && !hasOption(f.command, 'y', 'yes', 'assume-yes', ...SIMULATE) && !quietEnough(f.command.argv.map((w) => w.value)))
      .map((f) => ({ message: 'apt-get install without -y', at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});

/** `-qq`, `-q -q`, `-q=2`, `--quiet --quiet`: quiet level 2 implies yes. */
function quietEnough(words: readonly string[]): boolean {
  let level = 0;
  for (const w of words) {
    if (/^-q=?\d+$/.test(w)) level = Math.max(level, Number(w.replace(/^-q=?/, '')));
    else if (/^-[A-Za-z]+$/.test(w)) level += [...w.slice(1)].filter((c) => c === 'q').length;
    else if (w === '--quiet') level++;
    else if (/^--quiet=\d+$/.test(w)) level = Math.max(level, Number(w.slice(8)));
  }
  return level >= 2;
}
