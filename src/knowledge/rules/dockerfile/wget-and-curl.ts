import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import type { ShellCommand } from '../../../models/dockerfile-spec.ts';

export default dockerfileRule({
  meta: {
    id: 'dockerfile-wget-and-curl',
    target: 'dockerfile',
    title: 'Both wget and curl are used in one stage',
    check: 'One of wget and curl per stage',
    severity: 'info',
    peers: { hadolint: 'DL4001', trivy: 'DS014' },
    rationale: 'Two download tools do the same job: one of them is extra size and extra attack surface.',
    remediation: 'Pick one of them for the whole stage.',
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    const groups = dockerfile.stages.length ? dockerfile.stages.map((s) => s.instructions) : [dockerfile.instructions];
    // Two flags a stage and two an instruction, not sets and lists made for every instruction:
    // this rule looks at each instruction of every file.
    for (const list of groups) {
      let seenWget = false;
      let seenCurl = false;
      for (const top of list) {
        const i = top.onbuild ?? top;
        const commands = i.shell?.commands;
        if (!commands) continue;
        let wget = false;
        let curl = false;
        for (let k = 0; k < commands.length; k++) {
          const name = (commands[k] as ShellCommand).name;
          if (name === 'wget') wget = true;
          else if (name === 'curl') curl = true;
        }
        if ((wget && (curl || seenCurl)) || (curl && seenWget)) out.push({ message: 'wget and curl are both used in this stage', at: i.at, evidence: `RUN ${i.text.slice(0, 80)}` });
        seenWget ||= wget;
        seenCurl ||= curl;
      }
    }
    return out;
  },
});
