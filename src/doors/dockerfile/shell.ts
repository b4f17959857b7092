import type { Node, Parser } from 'web-tree-sitter';
import type { Location } from '../../models/location.ts';
import type { ShellCommand, ShellScript, ShellWord } from '../../models/dockerfile-spec.ts';
import type { MappedText } from './text.ts';

export { bashParser as shellParser } from '../common/bash.ts';

/** Shells whose syntax the bash grammar reads (POSIX sh and its relatives). */
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox']);

export function isPosixShell(argv: readonly string[]): boolean {
  const base = (argv[0] ?? '').split('/').pop() ?? '';
  return POSIX_SHELLS.has(base);
}

/** Nodes under which a command may not run (a branch, a loop body, a substitution). */
const CONDITIONAL = new Set(['if_statement', 'elif_clause', 'else_clause', 'while_statement', 'for_statement', 'c_style_for_statement', 'case_item', 'command_substitution', 'process_substitution', 'function_definition']);

/**
 * Text the shell reads as one simple command of literal words: letters, digits and
 * `_-./:,@+%^` separated by spaces or tabs. None of these characters quotes, expands,
 * redirects, globs or separates commands, and no word is a reserved word (those need
 * other characters or are listed below), so the fields are the argv exactly as the grammar
 * would give them. `make install`, `npm ci`, `echo line 4` take this path.
 */
const PLAIN = /^[ \t]*[A-Za-z0-9_./:,@+%^-]+(?:[ \t]+[A-Za-z0-9_./:,@+%^-]+)*[ \t]*$/;
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', 'function', 'select', 'time', 'coproc']);

function plainCommand(source: MappedText, shell: string[], file: string, firstPipeline: number): ShellScript | undefined {
  const text = source.text;
  if (text.length > 4096 || !PLAIN.test(text)) return undefined;
  const argv: ShellWord[] = [];
  for (const m of text.matchAll(/[^ \t]+/g)) argv.push({ value: m[0], raw: m[0], literal: true, at: { file, ...source.position(m.index) } });
  const first = argv[0];
  const last = argv.at(-1);
  if (!first || !last || RESERVED.has(first.value)) return undefined;
  const start = text.indexOf(first.raw);
  const end = text.lastIndexOf(last.raw) + last.raw.length;
  const command: ShellCommand = { name: first.value, argv, assignments: [], at: first.at, conditional: false, text: text.slice(start, end), index: 0 };
  return { text, shell, commands: [command], hasPipe: false, pipelines: firstPipeline, errors: [] };
}

/** Parses a script and lists every simple command in it, positions mapped back to the Dockerfile. */
export function parseShell(parser: Parser, source: MappedText, shell: string[], file: string, firstPipeline = 0): ShellScript {
  // One plain command needs no parser: a Dockerfile of 200,000 `RUN make x` lines then costs
  // a regular expression per line, not a syntax tree.
  return plainCommand(source, shell, file, firstPipeline) ?? parseShellTree(parser, source, shell, file, firstPipeline);
}

/** `parseShell` through the grammar always (the plain-command path is checked against it). */
export function parseShellTree(parser: Parser, source: MappedText, shell: string[], file: string, firstPipeline = 0): ShellScript {
  const text = source.text;
  const tree = parser.parse(text);
  const commands: ShellCommand[] = [];
  const errors: Location[] = [];
  let pipelines = firstPipeline;
  let hasPipe = false;
  const at = (offset: number): Location => ({ file, ...source.position(offset) });
  if (!tree) return { text, shell, commands, hasPipe, pipelines, errors: [at(0)] };

  // An explicit stack, not recursion: `a && b && ...` nests one level per command, and a
  // 20,000-command RUN must not exhaust the call stack. Children are pushed in reverse so
  // commands come out in source order.
  const stack: { node: Node; pipeline: number | undefined; conditional: boolean }[] = [{ node: tree.rootNode, pipeline: undefined, conditional: false }];
  while (stack.length) {
    const { node, pipeline, conditional } = stack.pop() as (typeof stack)[number];
    if (node.type === 'ERROR' || node.isMissing) errors.push(at(node.startIndex));
    const next: (typeof stack)[number][] = [];
    if (node.type === 'command' || node.type === 'declaration_command' || node.type === 'unset_command') {
      commands.push(toCommand(node, pipeline, conditional, commands.length, at));
      // Substitutions inside the words run too (`$(curl ...)`).
      for (const c of node.namedChildren) if (c) next.push({ node: c, pipeline: undefined, conditional: true });
    } else if (node.type === 'pipeline') {
      hasPipe = hasPipe || node.children.some((c) => c?.type === '|' || c?.type === '|&');
      const id = pipelines++;
      for (const c of node.namedChildren) if (c) next.push({ node: c, pipeline: id, conditional });
    } else {
      // `a || b`: b runs only when a fails.
      let afterOr = false;
      for (const c of node.children) {
        if (!c) continue;
        if (node.type === 'list' && c.type === '||') afterOr = true;
        if (c.isNamed || c.type === 'ERROR') next.push({ node: c, pipeline, conditional: conditional || afterOr || CONDITIONAL.has(node.type) });
      }
    }
    for (let k = next.length - 1; k >= 0; k--) stack.push(next[k] as (typeof stack)[number]);
  }
  tree.delete();
  return { text, shell, commands, hasPipe, pipelines, errors };
}

function toCommand(node: Node, pipeline: number | undefined, conditional: boolean, index: number, at: (o: number) => Location): ShellCommand {
  const argv: ShellWord[] = [];
  const assignments: string[] = [];
  // `export A=1`: the keyword is an anonymous child; its assignments are its arguments.
  const keyword = node.type === 'command' ? undefined : node.children[0];
  if (keyword) argv.push({ value: keyword.text, raw: keyword.text, literal: true, at: at(keyword.startIndex) });
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (keyword) argv.push(word(c, at));
    else if (c.type === 'variable_assignment') assignments.push(c.text);
    else if (c.type === 'command_name') {
      const w = c.namedChildren[0] ?? c;
      argv.push(word(w, at));
    } else if (c.type.endsWith('redirect') || c.type === 'herestring_redirect') continue;
    else argv.push(word(c, at));
  }
  return {
    name: argv[0]?.value ?? '',
    argv,
    assignments,
    at: at(node.startIndex),
    ...(pipeline !== undefined ? { pipeline } : {}),
    conditional,
    text: node.text,
    index,
  };
}

function word(node: Node, at: (o: number) => Location): ShellWord {
  const { value, literal } = unquote(node);
  return { value, raw: node.text, literal, at: at(node.startIndex) };
}

/** Quote removal as the shell does it; expansions are kept as written and mark the word non-literal. */
function unquote(node: Node): { value: string; literal: boolean } {
  switch (node.type) {
    case 'word':
    case 'number':
      return { value: node.text.replace(/\\(.)/gs, '$1'), literal: true };
    case 'raw_string':
      return { value: node.text.slice(1, -1), literal: true };
    case 'ansi_c_string':
      return { value: node.text.slice(2, -1), literal: true };
    case 'string': {
      // Keep what lies between the quotes, minus the escapes that are special inside them.
      const inner = node.text.slice(1, -1).replace(/\\([$`"\\\n])/g, '$1');
      const literal = node.namedChildren.every((c) => c?.type === 'string_content');
      return { value: inner, literal };
    }
    case 'concatenation': {
      let value = '';
      let literal = true;
      for (const c of node.children) {
        if (!c) continue;
        const part = unquote(c);
        value += part.value;
        literal &&= part.literal;
      }
      return { value, literal };
    }
    default:
      return { value: node.text, literal: false };
  }
}
