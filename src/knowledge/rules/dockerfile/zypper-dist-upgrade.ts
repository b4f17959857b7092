import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, runCommands, subcommand } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-zypper-dist-upgrade',
    target: 'dockerfile',
    title: 'zypper dist-upgrade in a Dockerfile',
    severity: 'low',
    peers: { hadolint: 'DL3035' },
    rationale: 'A distribution upgrade inside a build turns the base image into another release nobody reviewed; a newer base tag is the reviewed way.',
    remediation: 'Build on a newer, pinned base image; update only named packages.',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'zypper')
      .filter((f) => ['dist-upgrade', 'dup'].includes(subcommand(f.command) ?? ''))
      .map((f) => ({ message: `zypper ${subcommand(f.command)} upgrades the distribution`, at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});
