import { dockerfileRule } from '../../../models/rule.ts';
import { evidenceOf, runCommands } from './support/query.ts';

/** hadolint's list: interactive or host-management tools that do nothing useful while an image builds. */
const POINTLESS = new Set(['free', 'kill', 'mount', 'ps', 'service', 'shutdown', 'ssh', 'top', 'vim']);

export default dockerfileRule({
  meta: {
    id: 'dockerfile-pointless-command',
    target: 'dockerfile',
    title: 'RUN calls a command that makes no sense in a build',
    severity: 'info',
    peers: { hadolint: 'DL3001' },
    rationale: 'ssh, vim, service, shutdown, top, ps, free, kill and mount are interactive or manage a running host; in a build step they hang, fail, or hide a design problem (a service started in RUN is gone in the image).',
    remediation: 'Remove the command; start services from the entrypoint, not from RUN.',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile)
      .filter((f) => POINTLESS.has(f.command.name))
      .map((f) => ({ message: `RUN calls ${f.command.name}`, at: f.command.at, evidence: evidenceOf(f.command.text) }));
  },
});
