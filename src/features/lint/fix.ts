import { chmodSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { DockerfileSpec, Instruction, ShellCommand } from '../../models/dockerfile-spec.ts';
import { aptPackages, cleansAptLists, installsApt, isAptInstall, updatesApt } from '../../knowledge/rules/dockerfile/support/packages.ts';
import { addSources, isArchive, isUrl } from '../../knowledge/rules/dockerfile/support/add.ts';
import { hasOption, operands } from '../../knowledge/rules/dockerfile/support/query.ts';
import { MoatError } from '../../util/errors.ts';
import { dockerfileRules } from '../../knowledge/rules/dockerfile/index.ts';
import { isNotApplicable } from '../../models/rule.ts';

/** The rules `--fix` can satisfy mechanically, each rewrite being one that cannot change what the build does beyond the rule's point. */
export const FIXABLE_RULES = ['dockerfile-add-instead-of-copy', 'dockerfile-apt-recommends', 'dockerfile-apt-lists', 'dockerfile-shell-form'] as const;
export type FixableRule = (typeof FIXABLE_RULES)[number];

interface Edit {
  /** 1-based line and column in the file (without its byte-order mark). */
  line: number;
  column: number;
  /** Characters to remove at that position. */
  remove: number;
  insert: string;
  rule: FixableRule;
}

export interface FixResult {
  before: string;
  after: string;
  /** One entry per rewrite made. */
  applied: { rule: FixableRule; line: number }[];
}

/**
 * Rewrites a Dockerfile to satisfy the fixable rules (only those in `rules`):
 * - `ADD` of local, non-archive files → `COPY`;
 * - `apt-get install` gains `--no-install-recommends`;
 * - a RUN that runs `apt-get update` and installs ends with `&& rm -rf /var/lib/apt/lists/*`;
 * - a one-line shell-form `CMD` made of plain words → exec (JSON) form.
 * Anything less clear-cut (variables, globs, redirections, heredocs, comments at the end
 * of a RUN) is left for a person: a fix that guesses is worse than none.
 */
export function fixDockerfile(text: string, spec: DockerfileSpec, rules: ReadonlySet<string> = new Set(FIXABLE_RULES)): FixResult {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom ? text.slice(1) : text;
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const lines = body.split(/\r?\n/);
  // Only where the rule itself finds something: the fix and the rule never disagree on scope.
  const flagged = flaggedLines(spec, rules);
  const wants = (rule: FixableRule, i: Instruction): boolean => {
    const lines = flagged.get(rule);
    if (!lines) return false;
    for (let l = i.span.line; l <= i.span.endLine; l++) if (lines.has(l)) return true;
    return false;
  };
  const edits: Edit[] = [];
  for (const top of spec.instructions) {
    const i = top.onbuild ?? top;
    if (wants('dockerfile-add-instead-of-copy', i) && i.keyword === 'ADD') edits.push(...addToCopy(i));
    if (i.keyword === 'RUN' && i.shell && i.heredocs.length === 0) {
      if (wants('dockerfile-apt-recommends', i)) edits.push(...noRecommends(i.shell.commands));
      if (wants('dockerfile-apt-lists', i)) edits.push(...cleanLists(i, lines));
    }
    if (wants('dockerfile-shell-form', i) && i.keyword === 'CMD') edits.push(...cmdToJson(i));
  }
  // Bottom-up, right to left, so earlier positions stay valid.
  edits.sort((a, b) => b.line - a.line || b.column - a.column);
  for (const e of edits) {
    const l = lines[e.line - 1] ?? '';
    lines[e.line - 1] = l.slice(0, e.column - 1) + e.insert + l.slice(e.column - 1 + e.remove);
  }
  const after = bom + lines.join(eol);
  return { before: text, after, applied: edits.map((e) => ({ rule: e.rule, line: e.line })).reverse() };
}

function flaggedLines(spec: DockerfileSpec, rules: ReadonlySet<string>): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const r of dockerfileRules) {
    if (!rules.has(r.meta.id) || !(FIXABLE_RULES as readonly string[]).includes(r.meta.id)) continue;
    const o = r.check({ dockerfile: spec, settings: { trustedRegistries: [], trustedBaseImages: [] } });
    out.set(r.meta.id, new Set(isNotApplicable(o) ? [] : o.flatMap((x) => (x.at?.line !== undefined ? [x.at.line] : []))));
  }
  return out;
}

function addToCopy(i: Instruction): Edit[] {
  const sources = addSources(i);
  if (sources.length === 0 || sources.some((s) => isUrl(s.value) || isArchive(s.value) || s.value.includes('$')) || i.flags.some((f) => f.name === 'checksum' || f.name === 'keep-git-dir' || f.name === 'unpack')) return [];
  const at = i.at;
  return [{ line: at.line ?? 1, column: at.column ?? 1, remove: 3, insert: i.source.startsWith('add') ? 'copy' : 'COPY', rule: 'dockerfile-add-instead-of-copy' }];
}

function noRecommends(commands: readonly ShellCommand[]): Edit[] {
  const out: Edit[] = [];
  for (const c of commands) {
    if (!isAptInstall(c) || hasOption(c, 'no-install-recommends') || aptPackages(c).length === 0) continue;
    const sub = operands(c)[0];
    if (!sub || sub.raw !== 'install') continue;
    out.push({ line: sub.at.line ?? 1, column: (sub.at.column ?? 1) + sub.raw.length, remove: 0, insert: ' --no-install-recommends', rule: 'dockerfile-apt-recommends' });
  }
  return out;
}

function cleanLists(i: Instruction, lines: readonly string[]): Edit[] {
  const script = i.shell;
  if (!script || script.errors.length) return [];
  // Only the RUN that installs may drop the lists: after an update alone they are what the next RUN installs from.
  if (!updatesApt(i) || !installsApt(i) || cleansAptLists(i) || i.flags.some((f) => f.name === 'mount' && /\/var\/lib\/apt/.test(f.value ?? ''))) return [];
  const last = lines[i.span.endLine - 1] ?? '';
  const trimmed = last.replace(/\s+$/, '');
  // A trailing comment, separator or operator would swallow or break the appended command.
  if (/#|[;&|\\`]$/.test(trimmed) || !/[\w*/"'.=-]$/.test(trimmed)) return [];
  return [{ line: i.span.endLine, column: trimmed.length + 1, remove: last.length - trimmed.length, insert: ' && rm -rf /var/lib/apt/lists/*', rule: 'dockerfile-apt-lists' }];
}

function cmdToJson(i: Instruction): Edit[] {
  const script = i.shell;
  if (i.json || !script || i.span.line !== i.span.endLine || script.errors.length || script.commands.length !== 1 || script.hasPipe) return [];
  const c = script.commands[0] as ShellCommand;
  if (c.assignments.length || c.text !== i.text.trim() || c.argv.some((w) => !w.literal || /[*?[\]{}~]/.test(w.value))) return [];
  const json = `[${c.argv.map((w) => JSON.stringify(w.value)).join(', ')}]`;
  return [{ line: i.textAt.line ?? 1, column: i.textAt.column ?? 1, remove: i.text.length, insert: json, rule: 'dockerfile-shell-form' }];
}

/** `diff -u` of a fix, as `--fix --dry-run` prints it. */
export function fixDiff(file: string, fix: FixResult): string {
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, fix.before, fix.after, undefined, undefined, { context: 3 });
}

/**
 * Replaces a file in one step: written beside it, flushed, given the old mode, then
 * renamed over it, so a crash or a full disk leaves either the old file or the new one.
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.moat-${process.pid}.tmp`);
  try {
    const mode = statSync(path).mode & 0o7777;
    writeFileSync(tmp, text, { flush: true, mode });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing was written */
    }
    throw new MoatError('incomplete', `${path}: cannot write the fixed file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); it is unchanged`);
  }
}
