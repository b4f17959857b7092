import type { DockerfileSpec, Instruction } from '../../../../models/dockerfile-spec.ts';

/**
 * The USER in force at the end of each stage: its own last USER, else the one of the
 * stage it is built on (`FROM base` inherits `base`'s user), else none.
 */
export function lastUsers(spec: DockerfileSpec): { stage: number; user?: Instruction }[] {
  const out: { stage: number; user?: Instruction }[] = [];
  for (const s of spec.stages) {
    const own = s.instructions.filter((i) => i.keyword === 'USER').at(-1);
    const inherited = s.base.stage !== undefined ? out[s.base.stage]?.user : undefined;
    const user = own ?? inherited;
    out.push({ stage: s.index, ...(user ? { user } : {}) });
  }
  return out;
}
