import { dockerfileRule } from '../../../models/rule.ts';
import { cacheMountTargets } from './support/packages.ts';
import { evidenceOf, hasOption, runCommands, subcommand } from './support/query.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-apk-cache',
    target: 'dockerfile',
    title: 'apk add keeps its package cache',
    severity: 'low',
    peers: { hadolint: 'DL3019', trivy: 'DS025' },
    rationale: 'Without `--no-cache` apk keeps its index and downloaded packages in /var/cache/apk: dead weight in the layer.',
    remediation: 'Use `apk add --no-cache ...`, or mount the cache: `RUN --mount=type=cache,target=/var/cache/apk apk add ...`.',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile, 'apk')
      .filter((f) => subcommand(f.command) === 'add' && !hasOption(f.command, 'no-cache') && !cacheMountTargets(f.instruction.flags).includes('/var/cache/apk'))
      .map((f) => ({ message: 'apk add without --no-cache', at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});
