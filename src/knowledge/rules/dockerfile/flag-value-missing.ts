import { dockerfileRule, type Issue } from '../../../models/rule.ts';
import { executable } from './support/query.ts';

/** Instruction flags that take a value (BuildKit's string flags), per instruction. */
const VALUED: Record<string, readonly string[]> = {
  FROM: ['platform'],
  COPY: ['from', 'chown', 'chmod', 'exclude'],
  ADD: ['chown', 'chmod', 'checksum', 'exclude'],
  RUN: ['mount', 'network', 'security', 'device'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};

export default dockerfileRule({
  meta: {
    id: 'dockerfile-flag-value-missing',
    target: 'dockerfile',
    title: 'Instruction flag written without its =value',
    check: 'Instruction flags written with their =value',
    severity: 'high',
    rationale:
      'Instruction flags take their value after `=`: `COPY --from=build /app /app`. Written with a blank (`COPY --from build /app /app`), the flag has no value and BuildKit stops the build ("missing a value on flag: from"); older builders read the next word as a source instead, copying from the build context what was meant to come from a stage.',
    remediation: 'Join the flag and its value with `=`: `COPY --from=build ...`, `RUN --mount=type=cache,target=/root/.cache ...`, `FROM --platform=linux/amd64 ...`.',
    urls: ['https://docs.docker.com/reference/dockerfile/#copy---from'],
  },
  check({ dockerfile }) {
    const out: Issue[] = [];
    for (const i of executable(dockerfile)) {
      // Most instructions have no flags, and most keywords none that take a value.
      const valued = i.flags.length ? VALUED[i.keyword] : undefined;
      if (!valued) continue;
      for (const f of i.flags) {
        if (f.value !== undefined || !valued.includes(f.name)) continue;
        const next = i.source.slice(i.source.toLowerCase().indexOf(`--${f.name}`) + f.name.length + 2).trim().split(/\s+/)[0] ?? '';
        out.push({ message: `${i.keyword} --${f.name} has no value: BuildKit fails with "missing a value on flag: ${f.name}"${next ? `; write --${f.name}=${next}` : ''}`, at: f.at, evidence: `${i.keyword} --${f.name} ${next}`.trim() });
      }
    }
    return out;
  },
});
