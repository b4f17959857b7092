import type { DockerfileSpec, Instruction } from '../models/dockerfile-spec.ts';
import type { Location } from '../models/location.ts';

/**
 * Inline ignores in a Dockerfile comment (docs/lint.md):
 *
 *     # moat:ignore RULE[,RULE...] reason      the next instruction
 *     # moat:ignore-stage RULE[,RULE...] reason the stage of the next instruction (put it above FROM)
 *     # moat:ignore-file RULE[,RULE...] reason  the whole file
 *
 * RULE is a Moat rule id or a peer's id (hadolint `DL3008`). hadolint's own pragmas
 * (`# hadolint ignore=DL3008`, `# hadolint global ignore=...`, `# hadolint stage ignore=...`)
 * are honoured the same way so existing Dockerfiles keep their decisions; they carry no
 * reason, which the rule `dockerfile-ignore-unjustified` reports.
 */
export interface InlineIgnore {
  scope: 'instruction' | 'stage' | 'file';
  /** Rule ids or peer ids as written. */
  rules: string[];
  reason?: string;
  /** hadolint pragma rather than Moat's own syntax. */
  hadolint: boolean;
  at: Location;
  /** Lines (inclusive) the ignore covers. */
  fromLine: number;
  toLine: number;
}

const MOAT = /^moat:ignore(-stage|-file)?(?:\s+(\S+))?(?:\s+(.*))?$/;
const HADOLINT = /^hadolint\s+(?:(global|stage)\s+)?ignore\s*=\s*([A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)/;

export function inlineIgnores(spec: DockerfileSpec): InlineIgnore[] {
  const out: InlineIgnore[] = [];
  const byLine = [...spec.instructions].sort((a, b) => a.span.line - b.span.line);
  const nextInstruction = (line: number): Instruction | undefined => byLine.find((i) => i.span.line > line);
  for (const c of spec.comments) {
    const line = c.at.line ?? 0;
    const m = MOAT.exec(c.text);
    const h = m ? undefined : HADOLINT.exec(c.text);
    if (!m && !h) continue;
    const scope: InlineIgnore['scope'] = m ? (m[1] === '-stage' ? 'stage' : m[1] === '-file' ? 'file' : 'instruction') : h?.[1] === 'global' ? 'file' : h?.[1] === 'stage' ? 'stage' : 'instruction';
    const rules = ((m ? m[2] : h?.[2]) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const reason = m?.[3]?.trim() || undefined;
    // hadolint drops a pragma that names anything but rule codes; so does Moat, to keep its verdicts.
    if (h && !rules.every((r) => /^(DL|SC)\d{4}$/.test(r))) continue;
    const next = nextInstruction(line);
    let fromLine = line;
    let toLine = line;
    if (scope === 'file') toLine = Number.MAX_SAFE_INTEGER;
    else if (next && scope === 'instruction') {
      // Only comment lines may stand between the ignore and its instruction.
      if (!spec.instructions.some((i) => i.span.line > line && i.span.line < next.span.line)) {
        fromLine = next.span.line;
        toLine = next.span.endLine;
      }
    } else if (next && scope === 'stage') {
      const stage = spec.stages[next.stage];
      const following = spec.stages[next.stage + 1];
      fromLine = next.span.line;
      toLine = stage ? (following ? following.from.span.line - 1 : Number.MAX_SAFE_INTEGER) : next.span.endLine;
    }
    out.push({ scope, rules, ...(reason ? { reason } : {}), hadolint: !m, at: c.at, fromLine, toLine });
  }
  return out;
}

/** The ignore that covers a finding of `ruleId` (or one of its peer ids) at `line`, if any. */
export function ignoreFor(ignores: readonly InlineIgnore[], ids: readonly string[], line: number | undefined): InlineIgnore | undefined {
  return ignores.find((ig) => ig.rules.some((r) => ids.includes(r)) && (ig.scope === 'file' || (line !== undefined && line >= ig.fromLine && line <= ig.toLine)));
}
