import type { DockerfileSpec, Instruction } from '../../../../models/dockerfile-spec.ts';
import type { Location } from '../../../../models/location.ts';

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
  // Instructions are in file order: the one an ignore belongs to is found by binary search.
  const list = spec.instructions;
  const nextInstruction = (line: number): Instruction | undefined => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as Instruction).span.line > line) hi = mid;
      else lo = mid + 1;
    }
    return list[lo];
  };
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
    // Comment lines are never inside an instruction, so only comments and blank lines stand between an ignore and the next one.
    const next = nextInstruction(line);
    let fromLine = line;
    let toLine = line;
    if (scope === 'file') toLine = Number.MAX_SAFE_INTEGER;
    else if (next && scope === 'instruction') {
      fromLine = next.span.line;
      toLine = next.span.endLine;
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

interface Range {
  from: number;
  to: number;
  byRule: Map<string, InlineIgnore>;
}

/**
 * Answers "which ignore covers a finding of this rule at this line" in logarithmic time:
 * a hostile file with a hundred thousand ignores and findings must not take quadratic time.
 * File ignores are looked up by rule; instruction and stage ignores by their (disjoint)
 * line ranges, then by rule.
 */
export class IgnoreIndex {
  private readonly file = new Map<string, InlineIgnore>();
  private readonly instruction: Range[];
  private readonly stage: Range[];

  constructor(ignores: readonly InlineIgnore[]) {
    const group = (scope: InlineIgnore['scope']): Range[] => {
      const byFrom = new Map<number, Range>();
      for (const ig of ignores) {
        if (ig.scope !== scope) continue;
        let r = byFrom.get(ig.fromLine);
        if (!r) byFrom.set(ig.fromLine, (r = { from: ig.fromLine, to: ig.toLine, byRule: new Map() }));
        for (const rule of ig.rules) if (!r.byRule.has(rule)) r.byRule.set(rule, ig);
      }
      return [...byFrom.values()].sort((a, b) => a.from - b.from);
    };
    for (const ig of ignores) if (ig.scope === 'file') for (const rule of ig.rules) if (!this.file.has(rule)) this.file.set(rule, ig);
    this.instruction = group('instruction');
    this.stage = group('stage');
  }

  /** The ignore that covers a finding of a rule known by `ids` (its id and peer ids) at `line`. */
  find(ids: readonly string[], line: number | undefined): InlineIgnore | undefined {
    // Asked once per finding (tens of thousands in a tree), almost always of a file with no
    // ignore: loops by index, and no list of the two range kinds made for each question.
    if (this.file.size > 0) {
      for (let k = 0; k < ids.length; k++) {
        const f = this.file.get(ids[k] as string);
        if (f) return f;
      }
    }
    if (line === undefined) return undefined;
    return this.inRanges(this.instruction, ids, line) ?? this.inRanges(this.stage, ids, line);
  }

  /** True when no ignore of any scope was read: nothing is ever found. */
  get empty(): boolean {
    return this.file.size === 0 && this.instruction.length === 0 && this.stage.length === 0;
  }

  private inRanges(ranges: Range[], ids: readonly string[], line: number): InlineIgnore | undefined {
    if (ranges.length === 0) return undefined;
    const r = containing(ranges, line);
    if (!r) return undefined;
    for (let k = 0; k < ids.length; k++) {
      const ig = r.byRule.get(ids[k] as string);
      if (ig) return ig;
    }
    return undefined;
  }
}

function containing(ranges: readonly Range[], line: number): Range | undefined {
  let lo = 0;
  let hi = ranges.length - 1;
  let found: Range | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid] as Range;
    if (r.from <= line) {
      found = r;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found && line <= found.to ? found : undefined;
}

/** The ignore that covers a finding of `ruleId` (or one of its peer ids) at `line`, if any. */
export function ignoreFor(ignores: readonly InlineIgnore[], ids: readonly string[], line: number | undefined): InlineIgnore | undefined {
  return new IgnoreIndex(ignores).find(ids, line);
}
