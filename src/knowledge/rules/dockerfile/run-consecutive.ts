import { dockerfileRule, type Issue } from '../../../models/rule.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-run-consecutive',
    target: 'dockerfile',
    title: 'Consecutive single-command RUNs',
    severity: 'info',
    peers: { hadolint: 'DL3059' },
    rationale: 'Every RUN is a layer; runs of one command each, one after the other, add layers (and cache entries) for nothing.',
    remediation: 'Join them: `RUN a && b`.',
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    const list = dockerfile.instructions;
    for (let k = 1; k < list.length; k++) {
      const a = list[k - 1];
      const b = list[k];
      if (a?.keyword !== 'RUN' || b?.keyword !== 'RUN' || !a.shell || !b.shell) continue;
      const flags = (i: typeof a): string => i.flags.map((f) => `${f.name}=${f.value ?? ''}`).sort().join(' ');
      if (flags(a) === flags(b) && a.shell.commands.length <= 1 && b.shell.commands.length <= 1) out.push({ message: 'RUN follows a RUN that could take its command', at: b.at, evidence: `RUN ${b.text.slice(0, 80)}` });
    }
    return out;
  },
});
