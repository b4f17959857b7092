import type { DockerfileSpec, Instruction, ShellScript } from '../../../models/dockerfile-spec.ts';
import { dockerfileRule } from '../../../models/rule.ts';
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
    const envAt = pipEnvLookup(dockerfile);
    const exportsOf = new Map<ShellScript, { index: number; value: string }[]>();
    return runCommands(dockerfile).flatMap((f) => {
      const p = pipInstall(f.command);
      if (!p || p.tool !== 'pip' || p.words.includes('--no-cache-dir')) return [];
      if (cacheMountTargets(f.instruction.flags).some((t) => t.endsWith('/.cache/pip'))) return [];
      let exported = exportsOf.get(f.script);
      if (!exported) exportsOf.set(f.script, (exported = pipExports(f.script)));
      const prefix = f.command.assignments.map((a) => /^PIP_NO_CACHE_DIR=(.*)$/.exec(a)?.[1]).filter((v): v is string => v !== undefined).at(-1);
      const setting = prefix ?? lastBefore(exported, f.command.index)?.value ?? envAt(f.instruction);
      if (setting !== undefined && TRUE.test(setting.replace(/^["']|["']$/g, ''))) return [];
      return [{ message: 'pip install without --no-cache-dir', at: f.command.at, evidence: evidenceOf(f.command.text) }];
    });
  },
});

/** `export PIP_NO_CACHE_DIR=...` commands of a script, in order. */
function pipExports(script: ShellScript): { index: number; value: string }[] {
  const out: { index: number; value: string }[] = [];
  for (const c of script.commands) {
    if (c.name !== 'export') continue;
    for (const w of c.argv.slice(1)) {
      const v = /^PIP_NO_CACHE_DIR=(.*)$/.exec(w.value)?.[1];
      if (v !== undefined) out.push({ index: c.index, value: v });
    }
  }
  return out;
}

/** The last entry whose index is below `index` (entries sorted by index). */
function lastBefore<T extends { index: number }>(list: readonly T[], index: number): T | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as T).index < index) lo = mid + 1;
    else hi = mid;
  }
  return list[lo - 1];
}

/**
 * For an instruction, the `ENV PIP_NO_CACHE_DIR` in force: the last one before it in its
 * stage, else the one its base stage ends with. Built once per file.
 */
function pipEnvLookup(spec: DockerfileSpec): (i: Instruction) => string | undefined {
  const settings = (list: readonly Instruction[]) =>
    list.flatMap((e) => (e.keyword === 'ENV' ? (e.pairs ?? []).filter((p) => p.key === 'PIP_NO_CACHE_DIR').map((p) => ({ index: e.span.line, value: p.value ?? '' })) : []));
  const own = spec.stages.length ? spec.stages.map((s) => settings(s.instructions)) : [settings(spec.instructions)];
  const finalOf = (stage: number, seen = new Set<number>()): string | undefined => {
    if (seen.has(stage)) return undefined;
    seen.add(stage);
    const last = own[stage]?.at(-1)?.value;
    const base = spec.stages[stage]?.base.stage;
    return last ?? (base !== undefined ? finalOf(base, seen) : undefined);
  };
  return (i) => {
    const stage = spec.stages.length ? i.stage : 0;
    const here = lastBefore(own[stage] ?? [], i.span.line)?.value;
    const base = spec.stages[stage]?.base.stage;
    return here ?? (base !== undefined ? finalOf(base) : undefined);
  };
}
