import type { DockerfileSpec, Instruction } from '../../models/dockerfile-spec.ts';
import { dockerfileRule } from '../rule.ts';
import { cacheMountTargets } from './support/packages.ts';
import { pipInstall } from './support/pip.ts';
import { evidenceOf, runCommands } from './support/query.ts';

const TRUE = /^(1|on|yes|true)$/i;

export default dockerfileRule({
  meta: {
    id: 'dockerfile-pip-cache',
    target: 'dockerfile',
    title: 'pip install keeps its download cache',
    severity: 'low',
    peers: { hadolint: 'DL3042' },
    rationale: 'pip caches every wheel it downloads under ~/.cache/pip; in an image that is dead weight in the layer.',
    remediation: 'Use `pip install --no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or mount the cache (`RUN --mount=type=cache,target=/root/.cache/pip`).',
  },
  check({ dockerfile }) {
    return runCommands(dockerfile).flatMap((f) => {
      const p = pipInstall(f.command);
      if (!p || p.tool !== 'pip' || p.words.includes('--no-cache-dir')) return [];
      if (cacheMountTargets(f.instruction.flags).some((t) => t.endsWith('/.cache/pip'))) return [];
      const inline = [...f.command.assignments, ...f.script.commands.filter((c) => c.name === 'export' && c.index < f.command.index).flatMap((c) => c.argv.slice(1).map((w) => w.value))]
        .map((a) => /^PIP_NO_CACHE_DIR=(.*)$/.exec(a)?.[1])
        .filter((v): v is string => v !== undefined)
        .at(-1);
      const setting = inline ?? envSetting(dockerfile, f.instruction);
      if (setting !== undefined && TRUE.test(setting.replace(/^["']|["']$/g, ''))) return [];
      return [{ message: 'pip install without --no-cache-dir', at: f.command.at, evidence: evidenceOf(f.command.text) }];
    });
  },
});

/** The last `ENV PIP_NO_CACHE_DIR` before the instruction, in its stage or a stage it is built on. */
function envSetting(spec: DockerfileSpec, i: Instruction): string | undefined {
  const seen = new Set<number>();
  const stages = spec.stages.length ? spec.stages : [];
  const lists = stages.length ? [] : [spec.instructions];
  for (let s = stages[i.stage]; s && !seen.has(s.index); s = s.base.stage !== undefined ? stages[s.base.stage] : undefined) {
    seen.add(s.index);
    lists.push(s.instructions);
  }
  for (const list of lists) {
    const value = list
      .filter((e) => e.keyword === 'ENV' && e.span.line < i.span.line + (list === lists[0] ? 0 : Infinity))
      .flatMap((e) => e.pairs ?? [])
      .filter((p) => p.key === 'PIP_NO_CACHE_DIR')
      .at(-1)?.value;
    if (value !== undefined) return value;
  }
  return undefined;
}
