/**
 * Finds `docker run` / `docker create` commands in shell text (a `--run` string, a shell
 * script, a Makefile's recipes) with tree-sitter-bash, a real shell grammar: quotes,
 * escapes, continuation lines, `&&` chains, `$(...)` and pipelines are the grammar's
 * business, not regular expressions'. Each word keeps its file:line:col; words whose value
 * depends on the shell (`$VAR`, `$(cmd)`, `~`) are kept literally and name what they
 * depend on.
 */
import type { Node as SyntaxNode } from 'web-tree-sitter';
import type { Location } from '../../models/location.ts';
import { MoatError } from '../../util/errors.ts';
import type { DoorWarning } from '../common/spec.ts';
import { bashParser } from '../common/bash.ts';

export interface RunLine {
  /** The command's words, from `docker` on (wrappers such as `sudo` removed). */
  argv: string[];
  positions: Location[];
  /** Per word, the shell variables (or `$(...)` commands) it depends on. */
  expansions: string[][];
  /** Where the command starts (the `docker` word). */
  at: Location;
  /** The command as written, for evidence. */
  text: string;
  warnings: DoorWarning[];
}

export interface FindRunLinesOptions {
  /** 'makefile' reads only recipe lines and make's `$(VAR)` / `$$`; default: by file name (Makefile, *.mk). */
  kind?: 'shell' | 'makefile';
}

const MAKEFILE = /(^|\/)(GNUmakefile|[Mm]akefile)$|\.mk$/;
/** Names a script or Makefile commonly keeps the docker binary in (`$(DOCKER) run`, `$DOCKER_CMD run`). */
const DOCKER_VAR = /^\$(?:\(|\{)?(DOCKER(?:_(?:CMD|BIN|CLI|EXE))?)(?:\)|\})?$/i;
const WRAPPERS = new Set(['sudo', 'env', 'exec', 'nohup', 'time', 'command']);
/** sudo's options that take a value (`sudo -u deploy docker run`). */
const SUDO_VALUE = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '--user', '--group', '--chdir', '--host', '--prompt', '--role', '--type', '--other-user', '--close-from']);

/**
 * Every `docker [container] run|create` command in `text`. Lines that are not such a
 * command are ignored; a command whose shell syntax is broken is reported as a
 * MoatError('config') at the broken spot.
 */
export async function findRunLines(text: string, file: string, opts: FindRunLinesOptions = {}): Promise<RunLine[]> {
  const kind = opts.kind ?? (MAKEFILE.test(file) ? 'makefile' : 'shell');
  const { source, offsets } = kind === 'makefile' ? makefileRecipes(text) : { source: text, offsets: undefined };
  const parser = await bashParser();
  const tree = parser.parse(source);
  if (!tree) throw new MoatError('incomplete', `${file}: the shell parser gave no result`);
  const lines = lineStarts(text);
  const locate = (index: number): Location => {
    const original = offsets ? (offsets[index] ?? text.length) : index;
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lines[mid] ?? 0) <= original) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: original - (lines[lo] ?? 0) + 1 };
  };
  try {
    const out: Array<RunLine & { startIndex: number; endIndex: number }> = [];
    const stack: SyntaxNode[] = [tree.rootNode];
    while (stack.length) {
      const node = stack.pop() as SyntaxNode;
      if (node.type === 'command') {
        const line = runLineOf(node, locate);
        if (line) out.push(line);
      }
      for (let c = node.namedChildCount - 1; c >= 0; c--) {
        const child = node.namedChild(c);
        if (child) stack.push(child);
      }
    }
    const broken = brokenDockerText(tree.rootNode, out, source);
    if (broken) {
      throw new MoatError('config', `${formatAt(locate(broken.startIndex))}: shell syntax error near "${broken.text.slice(0, 30).replace(/\s+/g, ' ')}" where a docker command is: fix the quoting or the continuation lines`);
    }
    return out
      .sort((a, b) => a.startIndex - b.startIndex)
      .map(({ startIndex: _s, endIndex: _e, ...line }) => line);
  } finally {
    tree.delete();
  }
}

function formatAt(at: Location): string {
  return `${at.file}:${at.line}:${at.column}`;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/**
 * A syntax error inside a docker command found, or one whose text mentions docker (an
 * unterminated quote can swallow the command whole): either way the words cannot be
 * trusted, and skipping them would pass a file Moat did not read.
 */
function brokenDockerText(root: SyntaxNode, lines: ReadonlyArray<{ startIndex: number; endIndex: number }>, source: string): SyntaxNode | undefined {
  if (!root.hasError) return undefined;
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop() as SyntaxNode;
    if (!n.hasError && !n.isMissing) continue;
    if (n.isError || n.isMissing) {
      // An error right after a command (only blanks between) is where its words were cut short.
      const inLine = (l: { startIndex: number; endIndex: number }): boolean => n.startIndex >= l.startIndex && (n.startIndex <= l.endIndex || /^[ \t]*$/.test(source.slice(l.endIndex, n.startIndex)));
      if (/\bdocker\b/.test(n.text) || lines.some(inLine)) return n;
    }
    for (const c of n.children) if (c) stack.push(c);
  }
  return undefined;
}

interface Evaluated {
  value: string;
  vars: string[];
}

function runLineOf(node: SyntaxNode, locate: (i: number) => Location): (RunLine & { startIndex: number; endIndex: number }) | undefined {
  const wordNodes: SyntaxNode[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'command_name') {
      const first = child.namedChild(0);
      if (first) wordNodes.push(first);
    } else if (!/redirect|variable_assignment|comment/.test(child.type)) wordNodes.push(child);
  }
  let words = wordNodes.map((n) => ({ node: n, ...evaluate(n) }));
  words = stripWrappers(words);
  const head = words[0];
  if (!head) return undefined;
  const isDocker = /(^|\/)docker$/.test(head.value) || DOCKER_VAR.test(head.node.text);
  if (!isDocker) return undefined;
  if (!isRunCommand(words.slice(1).map((w) => w.value))) return undefined;
  const warnings: DoorWarning[] = [];
  const argv = words.map((w, i) => (i === 0 ? 'docker' : w.value));
  const positions = words.map((w) => locate(w.node.startIndex));
  for (const [i, w] of words.entries()) {
    if (i > 0 && w.vars.length) warnings.push({ message: `"${w.node.text}" depends on ${w.vars.map((v) => (v.startsWith('$(') ? v : `$${v}`)).join(', ')}: read literally`, at: positions[i] as Location });
  }
  return {
    argv,
    positions,
    expansions: words.map((w, i) => (i === 0 ? [] : w.vars)),
    at: positions[0] as Location,
    text: words.map((w) => w.node.text).join(' '),
    warnings,
    startIndex: head.node.startIndex,
    endIndex: node.endIndex,
  };
}

/** Skips `sudo [opts]`, `env [VAR=x]`, `exec`, `nohup`, `time`, `command` before the real command word. */
function stripWrappers<T extends Evaluated>(words: T[]): T[] {
  let i = 0;
  while (i < words.length && WRAPPERS.has(words[i]?.value ?? '')) {
    const wrapper = words[i]?.value;
    i++;
    while (i < words.length) {
      const w = words[i]?.value ?? '';
      if (wrapper === 'sudo' && SUDO_VALUE.has(w)) i += 2;
      else if (w.startsWith('-') && w !== '-') i++;
      else if (wrapper === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
      else break;
    }
  }
  return words.slice(i);
}

function isRunCommand(rest: string[]): boolean {
  // Global options may stand before the subcommand; a value option consumes the next word.
  let i = 0;
  while (i < rest.length && (rest[i] ?? '').startsWith('-')) {
    const w = rest[i] ?? '';
    i += /^(-[Hcl]|--(host|context|config|log-level|tlscacert|tlscert|tlskey))$/.test(w) ? 2 : 1;
  }
  if (rest[i] === 'container') i++;
  return rest[i] === 'run' || rest[i] === 'create';
}

/** The value the shell would pass for one argument node, with what it depends on. */
function evaluate(n: SyntaxNode): Evaluated {
  switch (n.type) {
    case 'word':
    case 'number': {
      const vars = n.text.startsWith('~') ? ['HOME'] : [];
      return { value: n.text.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1'), vars };
    }
    case 'raw_string':
      return { value: n.text.slice(1, -1), vars: [] };
    case 'ansi_c_string':
      return { value: decodeAnsiC(n.text.slice(2, -1)), vars: [] };
    case 'string':
    case 'translated_string':
      return evaluateDoubleQuoted(n);
    case 'concatenation': {
      const parts = n.children.filter((c): c is SyntaxNode => c !== null).map(evaluate);
      return { value: parts.map((p) => p.value).join(''), vars: parts.flatMap((p) => p.vars) };
    }
    case 'simple_expansion':
    case 'expansion': {
      const name = n.descendantsOfType('variable_name')[0]?.text ?? n.descendantsOfType('special_variable_name')[0]?.text ?? n.text;
      return { value: n.text, vars: [name] };
    }
    default:
      // Command and process substitutions, arithmetic, globs: left literal and reported.
      return { value: n.text, vars: /^[\w./:=,@%+-]*$/.test(n.text) ? [] : [n.text] };
  }
}

function evaluateDoubleQuoted(n: SyntaxNode): Evaluated {
  const start = n.type === 'translated_string' ? 2 : 1;
  let value = '';
  const vars: string[] = [];
  let pos = n.startIndex + start;
  const text = n.text;
  const base = n.startIndex;
  const literal = (from: number, to: number): string => text.slice(from - base, to - base).replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
  for (const c of n.namedChildren) {
    if (!c || c.type === 'string_content') continue;
    value += literal(pos, c.startIndex);
    const e = evaluate(c);
    value += e.value;
    vars.push(...e.vars);
    pos = c.endIndex;
  }
  value += literal(pos, n.endIndex - 1);
  return { value, vars };
}

const ANSI: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

function decodeAnsiC(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|.)/gs, (_, e: string) => {
    if (/^[xuU]/.test(e) && e.length > 1) return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    return ANSI[e] ?? `\\${e}`;
  });
}

/**
 * A Makefile's recipe lines as shell text, with a map back to the original offsets: other
 * lines blanked, the recipe tab and `@`/`-`/`+` prefixes dropped, `$(DOCKER)`-style
 * variables read as `docker`, `$$` as the shell's `$`, other make references left as
 * `$(NAME)` (the shell sees a command substitution: its value is reported as unknown).
 */
/** `target: prerequisites` (not `X := y`, `X ?= y`, nor `export X = y`): recipe lines may follow. */
function isRuleLine(line: string): boolean {
  if (line.startsWith('\t')) return false;
  const colon = line.search(/:(?![=:]?=)/);
  if (colon < 0) return false;
  const eq = line.search(/[?+!:]?=/);
  return eq < 0 || colon < eq;
}

function makefileRecipes(text: string): { source: string; offsets: number[] } {
  let source = '';
  const offsets: number[] = [];
  const emit = (s: string, at: number, spread = false): void => {
    for (let k = 0; k < s.length; k++) {
      source += s[k];
      offsets.push(spread ? at + k : at);
    }
  };
  let i = 0;
  // Only recipe lines are shell. A tab-indented line is a recipe only in a rule's context
  // (after `target: prerequisites`); a line that continues a variable (`X = \` then tabbed
  // lines, as in the `__check_defined` idiom) or sits in a `define` block is make's, not the shell's.
  let inRule = false;
  let inRecipe = false;
  let continued: 'recipe' | 'make' | undefined;
  let inDefine = false;
  while (i <= text.length) {
    const end = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    const line = text.slice(i, end).replace(/\r$/, '');
    const recipe = continued === 'recipe' || (continued === undefined && !inDefine && inRule && line.startsWith('\t'));
    if (recipe) {
      inRecipe = true;
      let k = line.startsWith('\t') ? 1 : 0;
      if (continued === undefined) while (/[@+-]/.test(line[k] ?? '')) k++;
      emit(' '.repeat(k), i, true);
      while (k < line.length) {
        const rest = line.slice(k);
        const dockerRef = /^\$[({](DOCKER(?:_(?:CMD|BIN|CLI|EXE))?)[)}]/i.exec(rest);
        if (dockerRef) {
          emit('docker', i + k);
          k += dockerRef[0].length;
        } else if (rest.startsWith('$$')) {
          emit('$', i + k);
          k += 2;
        } else {
          emit(line[k] as string, i + k);
          k++;
        }
      }
    } else {
      if (continued === undefined) {
        const trimmed = line.trim();
        if (inDefine) {
          if (/^endef\b/.test(trimmed)) inDefine = false;
        } else if (/^(?:(?:export|override|private)\s+)*define\b/.test(trimmed)) {
          inDefine = true;
        } else if (trimmed !== '' && !trimmed.startsWith('#') && !/^(?:ifn?eq|ifn?def|else|endif)\b/.test(trimmed)) {
          inRecipe = false;
          inRule = isRuleLine(line);
        }
      }
      emit(' '.repeat(line.length), i, true);
    }
    const rawLine = text.slice(i, end);
    continued = /\\\r?$/.test(rawLine) ? (recipe && inRecipe ? 'recipe' : 'make') : undefined;
    if (end >= text.length) break;
    emit(text.slice(end, end + 1), end);
    i = end + 1;
  }
  offsets.push(text.length);
  return { source, offsets };
}
