import type { Parser } from 'web-tree-sitter';
import type { Comment, Directive, DockerfileSpec, Flag, Heredoc, Instruction, Stage, Word } from '../../models/dockerfile-spec.ts';
import type { Location } from '../../models/location.ts';
import { locatedMessage, MoatError } from '../../util/errors.ts';
import { parseImageRef } from '../../models/image-ref.ts';
import { isPosixShell, parseShell, shellParser } from './shell.ts';
import { decodeDockerfile, MappedText, splitLines } from './text.ts';
import { jsonWords, keyValues, splitBlank, toWords } from './words.ts';

export interface ParseOptions {
  /** The path findings and errors name. */
  file: string;
}

/** BuildKit's parser directives; an unknown `# key=value` at the top is a comment and ends the directives. */
const DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const DEFAULT_SHELL = ['/bin/sh', '-c'];
/** Instructions whose arguments may hold heredocs (BuildKit's list). */
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
/** Instructions whose shell form is run by the stage's shell. */
const SHELL_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT']);
const HEREDOC_MARK = /(?:^|[\s])<<(-?)(["']?)([A-Za-z0-9_.-]+)\2/g;
/** A flag at the start of an instruction's arguments; a stray escape between flags (`--a=1 \    --b=2` on one line) separates them like a blank. */
const FLAG = /((?:[ \t]|\\(?=[ \t]))*)(--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?)(?=\s|$)/y;
const LEAD_AFTER_FLAGS = /(?:[ \t]|\\(?=[ \t]))*/y;
const LEAD = /[ \t]*/y;

/**
 * The Dockerfile door: bytes or text → `DockerfileSpec`. Follows BuildKit's parser
 * (moby/buildkit `frontend/dockerfile/parser`): directives only at the top, line
 * continuations joined without a newline, blank and comment lines inside a continuation
 * dropped, heredocs (`<<EOF`, `<<-EOF`, `<<'EOF'`) on RUN/COPY/ADD, exec (JSON) and shell
 * forms. The shell of RUN (and shell-form CMD/ENTRYPOINT/HEALTHCHECK) is given to
 * tree-sitter's bash parser; heredoc scripts are parsed separately.
 *
 * Throws a located `MoatError` (kind `incomplete`) for input the builder would reject or
 * that is not a Dockerfile at all: binary, UTF-16, invalid UTF-8, an invalid `escape`
 * directive, an unterminated heredoc.
 */
export async function parseDockerfile(input: string | Uint8Array, opts: ParseOptions): Promise<DockerfileSpec> {
  if (!grammar) {
    // Most Dockerfiles never need the grammar (the shell reader reads their scripts
    // directly), and loading it costs a process ~30 ms of CPU: it is loaded by the first file
    // that needs it, which is then read again with it.
    try {
      return parseWith(NOT_LOADED, input, opts);
    } catch (e) {
      if (!(e instanceof GrammarNotLoaded)) throw e;
    }
    grammar = await shellParser();
  }
  return parseWith(grammar, input, opts);
}

/** The shell grammar, once a file has needed it. */
let grammar: Parser | undefined;

class GrammarNotLoaded extends Error {}

/** Stands for the grammar until it is loaded: asked to parse, it says so (nothing else of a Parser is used by the reader). */
const NOT_LOADED = {
  parse(): never {
    throw new GrammarNotLoaded('the shell grammar is not loaded yet');
  },
} as unknown as Parser;

export function parseWith(parser: Parser, input: string | Uint8Array, opts: ParseOptions): DockerfileSpec {
  const file = opts.file;
  let text = typeof input === 'string' ? input : decodeDockerfile(input, file);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = splitLines(text);
  const { directives, next } = readDirectives(lines, file);
  const escapeDirective = directives.find((d) => d.name === 'escape');
  const escape = (escapeDirective?.value ?? '\\') as '\\' | '`';
  const fail = (line: number, column: number, message: string): never => {
    throw new MoatError('incomplete', locatedMessage(file, line, column, message));
  };

  const instructions: Instruction[] = [];
  const comments: Comment[] = [];
  const stages: Stage[] = [];
  const globalArgs: Instruction[] = [];
  const stageNames = new Map<string, number>();
  const globalVars = new Map<string, string>();
  const stageShell: string[][] = [];

  let i = next;
  while (i < lines.length) {
    const line = lines[i] as string;
    const trimmed = line.trimStart();
    if (trimmed === '') {
      i++;
      continue;
    }
    if (trimmed.startsWith('#')) {
      comments.push({ text: trimmed.slice(1).trim(), at: { file, line: i + 1, column: line.length - trimmed.length + 1 } });
      i++;
      continue;
    }
    const startLine = i;
    const column = line.length - trimmed.length;
    const logical = new MappedText();
    i = readLogicalLine(lines, i, column, escape, logical);
    // `i` is now the line after the logical line; heredoc bodies follow it.
    const kw = /^[A-Za-z]+/.exec(logical.text)?.[0];
    if (!kw) fail(startLine + 1, column + 1, `"${trimmed.slice(0, 20)}" is not an instruction: expected a keyword such as FROM or RUN`);
    const keyword = (kw as string).toUpperCase();
    const stageIndex = stages.length - 1;
    const shell = stageIndex >= 0 ? (stageShell[stageIndex] ?? DEFAULT_SHELL) : DEFAULT_SHELL;
    const ctx: BuildContext = { file, escape, parser, lines, shell, fail };
    const built = buildInstruction(ctx, keyword, logical, (kw as string).length, stageIndex, i);
    const instr = built.instruction;
    i = built.nextLine;
    const endLine = i; // 1-based number of the last line = index of next line
    const lastLine = lines[endLine - 1] ?? '';
    instr.span = { line: startLine + 1, column: column + 1, endLine, endColumn: lastLine.length + 1 };
    instr.source = endLine === startLine + 1 ? lastLine.slice(column) : lines.slice(startLine, endLine).join('\n').slice(column);
    if (instr.onbuild) instr.onbuild.span = { ...instr.span, line: instr.onbuild.at.line ?? instr.span.line, column: instr.onbuild.at.column ?? instr.span.column };
    instructions.push(instr);

    if (keyword === 'FROM') {
      instr.stage = stages.length;
      const stage = makeStage(instr, stages.length, globalVars, stageNames);
      if (stage.name !== undefined && !stageNames.has(stage.name)) stageNames.set(stage.name, stage.index);
      stages.push(stage);
      stageShell.push(stage.base.stage !== undefined ? (stageShell[stage.base.stage] ?? DEFAULT_SHELL) : DEFAULT_SHELL);
      continue;
    }
    if (stageIndex < 0) {
      if (keyword === 'ARG') {
        globalArgs.push(instr);
        for (const p of instr.pairs ?? []) if (p.value !== undefined) globalVars.set(p.key, p.value);
      }
      continue;
    }
    (stages[stageIndex] as Stage).instructions.push(instr);
    if (keyword === 'SHELL' && instr.json && instr.json.length > 0) stageShell[stageIndex] = instr.json.map((w) => w.value);
  }
  return { file, directives, escape, instructions, globalArgs, stages, comments, lineCount: lines.length };
}

interface BuildContext {
  file: string;
  escape: string;
  parser: Parser;
  lines: readonly string[];
  shell: string[];
  fail: (line: number, column: number, message: string) => never;
}

function readDirectives(lines: readonly string[], file: string): { directives: Directive[]; next: number } {
  const directives: Directive[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*$/.exec(lines[i] as string);
    if (!m || !DIRECTIVES.has((m[1] as string).toLowerCase())) break;
    const name = (m[1] as string).toLowerCase();
    const value = m[2] as string;
    const line = i + 1;
    const column = (lines[i] as string).indexOf(value, (lines[i] as string).indexOf('=')) + 1;
    if (directives.some((d) => d.name === name)) throw new MoatError('incomplete', locatedMessage(file, line, 1, `the "${name}" parser directive is given twice: keep one`));
    if (name === 'escape' && value !== '\\' && value !== '`') {
      throw new MoatError('incomplete', locatedMessage(file, line, column, `invalid escape directive "${value}": the builder accepts only \\ or \` (# escape=\`)`));
    }
    directives.push({ name, value, at: { file, line, column } });
  }
  return { directives, next: i };
}

/**
 * One logical line from `start`: a line ending in the escape character (blanks after it
 * allowed) continues on the next line, which is joined without a newline; blank lines and
 * comment lines inside a continuation are dropped, as BuildKit does. Returns the index of
 * the line after it.
 */
function readLogicalLine(lines: readonly string[], start: number, column: number, escape: string, out: MappedText): number {
  let i = start;
  let col = column;
  const esc = escape.charCodeAt(0);
  for (;;) {
    const line = (lines[i] as string).slice(col);
    // A continuation: the escape character, then only blanks to the end of the line.
    let end = line.length;
    while (end > 0 && isBlank(line.charCodeAt(end - 1))) end--;
    if (end === 0 || line.charCodeAt(end - 1) !== esc) {
      out.append(line, i + 1, col + 1);
      return i + 1;
    }
    out.append(line.slice(0, end - 1), i + 1, col + 1);
    i++;
    while (i < lines.length && blankOrComment(lines[i] as string)) i++;
    if (i >= lines.length) return i;
    col = 0;
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** `^[ \t]*(#.*)?$`: a line of blanks, or a comment after them (whose `.` stops at a line terminator). */
function blankOrComment(line: string): boolean {
  let k = 0;
  while (k < line.length && isBlank(line.charCodeAt(k))) k++;
  if (k === line.length) return true;
  if (line.charCodeAt(k) !== 35) return false;
  for (k++; k < line.length; k++) {
    const c = line.charCodeAt(k);
    if (c === 13 || c === 10 || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

function buildInstruction(ctx: BuildContext, keyword: string, logical: MappedText, kwLength: number, stage: number, nextLine: number): { instruction: Instruction; nextLine: number } {
  const { file } = ctx;
  const at: Location = logical.locate(file, 0);
  // Where the arguments start in the logical line: found there, then sliced once.
  const whole = logical.text;
  let from = kwLength;
  const flags: Flag[] = [];
  const onbuildKeyword = keyword === 'ONBUILD';
  if (!onbuildKeyword) {
    // Leading `--name[=value]` words are the instruction's flags (BuildKit's parseFlags).
    for (;;) {
      FLAG.lastIndex = from;
      const m = FLAG.exec(whole);
      if (!m) break;
      const off = (m[1] as string).length;
      flags.push({ name: (m[3] as string).toLowerCase(), ...(m[4] !== undefined ? { value: m[4] } : {}), at: logical.locate(file, from + off) });
      from += m[0].length;
    }
  }
  const lead = flags.length ? LEAD_AFTER_FLAGS : LEAD;
  lead.lastIndex = from;
  from += lead.exec(whole)?.[0].length ?? 0;
  const rest = logical.slice(from);
  // Trailing blanks are not part of the arguments.
  let end = rest.text.length;
  for (let c = rest.text.charCodeAt(end - 1); c === 32 || c === 9; c = rest.text.charCodeAt(end - 1)) end--;
  const text = end === rest.text.length ? rest.text : rest.text.slice(0, end);
  const textAt: Location = rest.locate(file, 0);

  const span = { line: at.line ?? 1, column: at.column ?? 1, endLine: at.line ?? 1, endColumn: at.column ?? 1 };
  let args: Word[] | undefined;
  // A RUN's words are its shell script's, which `shell` holds parsed; no rule reads them
  // blank-split, and a long chain's were a tenth of what a lint allocates. Made when read.
  // A short RUN's words take less memory than what would make them later (a file of
  // 200,000 `RUN echo line N` peaked 90 MB higher): they are made now.
  const instruction: Instruction =
    keyword === 'RUN' && text.length > 128
      ? {
          keyword,
          at,
          span,
          stage,
          source: '',
          flags,
          text,
          textAt,
          get args(): Word[] {
            return (args ??= toWords(splitBlank(text), rest, file));
          },
          set args(value: Word[]) {
            args = value;
          },
          heredocs: [],
        }
      : { keyword, at, span, stage, source: '', flags, text, textAt, args: toWords(splitBlank(text), rest, file), heredocs: [] };

  if (onbuildKeyword) {
    const kw = /^[A-Za-z]+/.exec(text)?.[0];
    if (kw) {
      const inner = buildInstruction(ctx, kw.toUpperCase(), rest, kw.length, stage, nextLine);
      inner.instruction.trigger = true;
      inner.instruction.source = text;
      instruction.onbuild = inner.instruction;
      instruction.heredocs = inner.instruction.heredocs;
      return { instruction, nextLine: inner.nextLine };
    }
    return { instruction, nextLine };
  }

  const json = jsonWords(text, rest, file);
  if (json) instruction.json = json;
  if (keyword === 'ENV' || keyword === 'LABEL' || keyword === 'ARG') instruction.pairs = keyValues(keyword, text, rest, file, ctx.escape);

  let line = nextLine;
  // Every heredoc marker holds `<<`: most instructions have none, and the marker's pattern is not run on them.
  if (HEREDOC_KEYWORDS.has(keyword) && !json && text.includes('<<')) {
    const read = readHeredocs(ctx, rest, line);
    instruction.heredocs = read.heredocs;
    line = read.nextLine;
  }

  if (!json && (SHELL_FORM.has(keyword) || keyword === 'HEALTHCHECK')) {
    let script = rest;
    if (keyword === 'HEALTHCHECK') {
      const m = /^(?:--\S+\s+)*CMD\s+/i.exec(text);
      script = m && !jsonWords(text.slice(m[0].length), rest.slice(m[0].length), file) ? rest.slice(m[0].length) : new MappedText();
    }
    if (script.text.trim() !== '' && isPosixShell(ctx.shell)) instruction.shell = shellOf(ctx, instruction, script);
  }
  return { instruction, nextLine: line };
}

/** Reads the bodies of the heredocs named on the instruction line, in order, from `start`. */
function readHeredocs(ctx: BuildContext, rest: MappedText, start: number): { heredocs: Heredoc[]; nextLine: number } {
  const heredocs: Heredoc[] = [];
  let line = start;
  HEREDOC_MARK.lastIndex = 0;
  for (let m = HEREDOC_MARK.exec(rest.text); m; m = HEREDOC_MARK.exec(rest.text)) {
    const name = m[3] as string;
    const stripTabs = m[1] === '-';
    const body: string[] = [];
    const bodyLine = line;
    for (;;) {
      if (line >= ctx.lines.length) {
        const markAt = rest.position(m.index + m[0].indexOf('<<'));
        ctx.fail(markAt.line, markAt.column, `unterminated heredoc <<${m[1]}${m[2]}${name}${m[2]}: no line "${name}" closes it before the end of the file`);
      }
      const raw = ctx.lines[line] as string;
      line++;
      const content = stripTabs ? raw.replace(/^\t+/, '') : raw;
      if (content === name) break;
      body.push(content);
    }
    heredocs.push({ name, stripTabs, quoted: m[2] !== '', body: body.length ? body.join('\n') + '\n' : '', bodyAt: { file: ctx.file, line: bodyLine + 1, column: 1 }, script: false });
  }
  return { heredocs, nextLine: line };
}

/**
 * The shell script of an instruction. A heredoc that is the whole command (`RUN <<EOF`) or
 * that feeds a shell (`RUN bash <<EOF`) is a script: its body is parsed too and its commands
 * follow the command line's.
 */
function shellOf(ctx: BuildContext, instruction: Instruction, script: MappedText) {
  // Blank out the heredoc markers, keeping offsets, so the command line parses on its own.
  let commandLine = script;
  if (script.text.includes('<<')) {
    commandLine = script.slice(0);
    commandLine.text = script.text.replace(HEREDOC_MARK, (s) => s.replace(/\S/g, ' '));
  }
  const main = parseShell(ctx.parser, commandLine, ctx.shell, ctx.file);
  main.text = script.text;
  const runner = main.commands[0]?.name;
  for (const h of instruction.heredocs) {
    const shebang = /^#!\s*(\S+)/.exec(h.body)?.[1];
    const isScript = runner === undefined ? shebang === undefined || isPosixShell([shebang.split('/').pop() === 'env' ? (/^#!\s*\S+\s+(\S+)/.exec(h.body)?.[1] ?? '') : shebang]) : isPosixShell([runner]);
    if (!isScript) continue;
    h.script = true;
    const body = new MappedText();
    h.body.split('\n').forEach((l, k, all) => {
      const line = (h.bodyAt.line ?? 1) + k;
      // `<<-` stripped leading tabs: the text starts that many columns in.
      const stripped = (ctx.lines[line - 1]?.length ?? l.length) - l.length;
      if (k < all.length - 1 || l !== '') body.append(k < all.length - 1 ? l + '\n' : l, line, 1 + Math.max(0, stripped));
    });
    const sub = parseShell(ctx.parser, body, ctx.shell, ctx.file, main.pipelines);
    for (const c of sub.commands) main.commands.push({ ...c, index: main.commands.length });
    main.pipelines = sub.pipelines;
    main.hasPipe ||= sub.hasPipe;
    main.errors.push(...sub.errors);
    main.text += `\n${h.body}`;
  }
  return main;
}

function makeStage(from: Instruction, index: number, globalVars: ReadonlyMap<string, string>, stageNames: ReadonlyMap<string, number>): Stage {
  const words = from.args;
  const image = words[0]?.value ?? '';
  const asIndex = words.findIndex((w, k) => k > 0 && w.value.toLowerCase() === 'as');
  const name = asIndex > 0 ? words[asIndex + 1]?.value.toLowerCase() : undefined;
  const platform = from.flags.find((f) => f.name === 'platform')?.value;
  return {
    index,
    ...(name !== undefined ? { name } : {}),
    from,
    base: parseImageRef(image, globalVars, stageNames),
    ...(platform !== undefined ? { platform } : {}),
    instructions: [from],
  };
}
