import { inlineIgnores } from './support/inline-ignores.ts';
import { dockerfileRule } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-ignore-unjustified',
    target: 'dockerfile',
    title: 'Inline ignore without a reason',
    severity: 'low',
    peers: { hadolint: 'DL1001' },
    rationale: 'An ignore silences a finding for everyone who reads the file later; without a reason nobody can tell a reviewed exception from a silenced problem. hadolint pragmas cannot carry one.',
    remediation: 'Write `# moat:ignore RULE-ID why it is acceptable here` (or a moat.yaml ignore with reason and expiry).',
  },
  check({ dockerfile }) {
    return inlineIgnores(dockerfile)
      .filter((ig) => ig.hadolint || !ig.reason || ig.rules.length === 0)
      .map((ig) => ({
        message: ig.hadolint ? 'hadolint ignore pragma: it cannot say why' : ig.rules.length === 0 ? 'moat:ignore names no rule' : `moat:ignore ${ig.rules.join(',')} gives no reason`,
        at: ig.at,
        evidence: `# ${ig.hadolint ? 'hadolint' : 'moat:ignore'} ${ig.rules.join(',')}`,
      }));
  },
});
