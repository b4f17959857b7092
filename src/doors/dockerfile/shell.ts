import type { Node, Parser } from 'web-tree-sitter';
import type { Location } from '../../models/location.ts';
import type { ShellCommand, ShellScript, ShellWord } from '../../models/dockerfile-spec.ts';
import type { MappedText } from './text.ts';
import { isSpace } from './words.ts';

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
  for (const m of text.matchAll(/[^ \t]+/g)) argv.push({ value: m[0], raw: m[0], literal: true, at: source.locate(file, m.index) });
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
  return plainCommand(source, shell, file, firstPipeline) ?? parsePieces(parser, source, shell, file, firstPipeline) ?? parseShellTree(parser, source, shell, file, firstPipeline);
}

/**
 * A long `RUN set -eux; a; b && c; ...` chain judged piece by piece: the grammar's time grows
 * with the text it reads, and most pieces of real chains are plain commands (`apt-get update`,
 * `make install`) that need none. Each top-level piece is read on its own, plain ones by
 * `plainCommand`, the rest by the grammar, and the commands are put back together as the
 * whole-text parse gives them (`a || b`: b is conditional; pipeline ids count on). Splitting
 * is only done where it cannot change the reading: see `topLevelPieces`. Undefined when the
 * text is not split, or when a piece does not parse cleanly (the whole text then goes to the
 * grammar, which places the error as it would have).
 */
function parsePieces(parser: Parser, source: MappedText, shell: string[], file: string, firstPipeline: number): ShellScript | undefined {
  const pieces = topLevelPieces(source.text);
  if (!pieces || pieces.length < 2) return undefined;
  const commands: ShellCommand[] = [];
  let pipelines = firstPipeline;
  let hasPipe = false;
  for (let k = 0; k < pieces.length; k++) {
    const p = pieces[k] as Piece;
    // Most pieces are simple ones, read in place: a slice of the text and its map for each
    // was a tenth of what a lint allocates.
    let made = simpleCommands(source, p.start, p.end, file, pipelines);
    if (made) {
      if (piped(made)) {
        pipelines++;
        hasPipe = true;
      }
    } else {
      const part = source.slice(p.start, p.end);
      const read = substitutionAssignment(part, shell, file, pipelines) ?? unaryTest(part, shell, pipelines) ?? caseStatement(part, shell, file, pipelines) ?? parseShellTree(parser, part, shell, file, pipelines);
      if (read.errors.length) return undefined;
      made = read.commands;
      pipelines = read.pipelines;
      hasPipe ||= read.hasPipe;
    }
    // The piece's commands are its own, just made: set in place rather than copied.
    for (let m = 0; m < made.length; m++) {
      const c = made[m] as ShellCommand;
      c.conditional ||= p.afterOr;
      c.index = commands.length;
      commands.push(c);
    }
  }
  return { text: source.text, shell, commands, hasPipe, pipelines, errors: [] };
}

/** `simpleCommands`' words as it reads them (it calls nothing that reads another piece meanwhile). */
const WORDS: ShellWord[] = [];
/** `simpleCommands`' commands as it makes them. */
const COMMANDS: ShellCommand[] = [];

/** Command words that make a declaration (`export A=1`), not a simple command, in the grammar. */
const DECLARATIONS = new Set(['export', 'declare', 'local', 'readonly', 'typeset', 'unset', 'unsetenv']);
/** One word part outside quotes: a run of characters that neither quote, expand, glob by brace or bracket, nor separate. */
const BARE = /[A-Za-z0-9_./:,@+%^=*-]+/y;
/** BARE's characters, by code (1 for each), for the scan in `simpleCommands`. */
const BARE_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:,@+%^=*-') BARE_CHAR[ch.charCodeAt(0)] = 1;
const EXPANSION = /\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})/y;
/** Inside double quotes: anything but what escapes, substitutes or expands in ways other than `$NAME`. */
const DOUBLE = /"(?:[^"\\`$]|\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})(?![[{(]))*"/y;
const SINGLE = /'[^']*'/y;
/** A command name the grammar reads as a plain word (a leading digit may start a redirection; `=` an assignment). */
const COMMAND_NAME = /^[A-Za-z_./][A-Za-z0-9_./+-]*$/;
const REDIRECT = /[0-9]?(?:>>|>&(?=[0-9])|>)[ \t]*/y;

/**
 * A piece of a chain that is one simple command, a pipeline of them, or one command with
 * redirections at its end, made of words the grammar reads in only one way: bare words,
 * `'single'` and `"double"` quotes, `$NAME` and `${NAME}` expansions, glued together
 * (`--build="$arch"`). Read without the grammar into exactly the commands it gives (the
 * differential test in shell-pieces.test.ts holds the two together); undefined for anything
 * else.
 */
export function simplePiece(source: MappedText, shell: string[], file: string, firstPipeline: number): ShellScript | undefined {
  const commands = simpleCommands(source, 0, source.text.length, file, firstPipeline);
  if (!commands) return undefined;
  const hasPipe = piped(commands);
  return { text: source.text, shell, commands, hasPipe, pipelines: firstPipeline + (hasPipe ? 1 : 0), errors: [] };
}

/** Whether `simpleCommands` read a pipeline: it gives every command of one its pipeline id, and no other command one. */
function piped(commands: readonly ShellCommand[]): boolean {
  return commands[0]?.pipeline !== undefined;
}

/**
 * `simplePiece`'s commands for the text from `from` to `to` of `source`, read where it lies.
 * The character at `to` is a separator (`;`, `&`, `|`) or the end: nothing read crosses it,
 * and a match that would is left to the slower readers.
 */
function simpleCommands(source: MappedText, from: number, to: number, file: string, firstPipeline: number): ShellCommand[] | undefined {
  const text = source.text;
  if (to - from > 4096) return undefined;
  // Gathered like the words, and copied out at their count: most pieces are one command.
  const commands = COMMANDS;
  let made = 0;
  let i = from;
  // The words are gathered in one array kept for every call and copied out at their count: a
  // command's own array grown from empty takes room for 17 words, and most have 2 to 5. The
  // array is never cut short (a length set to 0 gives up its room, and the next push takes
  // it again): `words` counts what of it is this command's.
  const argv = WORDS;
  let words = 0;
  let cmdStart = -1;
  let cmdEnd = -1;
  let pipes = 0;
  let redirected = false;
  const n = to;
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= n) break;
    const c = text[i];
    if (c === '|') {
      if (redirected || (i + 1 < n && (text[i + 1] === '|' || text[i + 1] === '&')) || !finishCommand(source, file, words, cmdStart, cmdEnd, made)) return undefined;
      made++;
      words = 0;
      pipes++;
      i++;
      continue;
    }
    // Only a `>` here or next can start a redirection: no match is made for the other words.
    const r = c === '>' || (i + 1 < n && text[i + 1] === '>') ? ((REDIRECT.lastIndex = i), REDIRECT.exec(text)) : null;
    if (r) {
      if (REDIRECT.lastIndex > n) return undefined;
      // Only at the end of a lone command: `apt-mark auto '.*' > /dev/null`.
      if (pipes > 0 || words === 0) return undefined;
      BARE.lastIndex = i + r[0].length;
      const target = BARE.exec(text);
      if (target && BARE.lastIndex > n) return undefined;
      const after = BARE.lastIndex < n ? text[BARE.lastIndex] : undefined;
      if (!target || !/^[A-Za-z0-9_./-]+$/.test(target[0]) || (r[0].includes('&') && !/^[0-9]+$/.test(target[0])) || (after !== undefined && after !== ' ' && after !== '\t')) return undefined;
      redirected = true;
      i = BARE.lastIndex;
      continue;
    }
    if (redirected) return undefined;
    const start = i;
    let value = '';
    let literal = true;
    // A word of one bare part is its own raw text: the same string serves both.
    let bareParts = 0;
    let otherParts = 0;
    for (;;) {
      if (i >= n) break;
      const ch = text[i];
      let m: RegExpExecArray | null = null;
      if (ch === "'") {
        SINGLE.lastIndex = i;
        m = SINGLE.exec(text);
        if (m) value += m[0].slice(1, -1);
      } else if (ch === '"') {
        DOUBLE.lastIndex = i;
        m = DOUBLE.exec(text);
        if (m) {
          value += m[0].slice(1, -1);
          if (m[0].includes('$')) literal = false;
        }
      } else if (ch === '$') {
        EXPANSION.lastIndex = i;
        m = EXPANSION.exec(text);
        if (m) {
          value += m[0];
          literal = false;
        }
      } else {
        // A bare run, scanned rather than matched: most parts of most words are one.
        let k = i;
        while (k < n && BARE_CHAR[text.charCodeAt(k)] === 1) k++;
        if (k === i) break;
        value += text.slice(i, k);
        bareParts++;
        i = k;
        continue;
      }
      if (!m) break;
      if (i + m[0].length > n) return undefined;
      otherParts++;
      i += m[0].length;
    }
    const next = text[i];
    // A redirection glued to a word (`a2>f`, `12>f`) is left to the grammar.
    if (i === start || (i < n && next !== ' ' && next !== '\t' && next !== '|')) return undefined;
    if (words === 0) cmdStart = start;
    cmdEnd = i;
    argv[words++] = { value, raw: bareParts === 1 && otherParts === 0 ? value : text.slice(start, i), literal, at: source.locate(file, start) };
  }
  if (!finishCommand(source, file, words, cmdStart, cmdEnd, made)) return undefined;
  made++;
  const out = commands.slice(0, made);
  if (pipes > 0) for (const c of out) c.pipeline = firstPipeline;
  return out;
}

/**
 * The command of `simpleCommands`' `words` gathered words, from `cmdStart` to `cmdEnd`, made
 * its `made`th; false when the first word does not make a simple command. Not a closure in
 * `simpleCommands`: one made for each piece, with the state it shares, was a tenth of what
 * reading a piece allocates.
 */
function finishCommand(source: MappedText, file: string, words: number, cmdStart: number, cmdEnd: number, made: number): boolean {
  const first = words > 0 ? WORDS[0] : undefined;
  if (!first || !COMMAND_NAME.test(first.raw) || RESERVED.has(first.value) || DECLARATIONS.has(first.value)) return false;
  COMMANDS[made] = { name: first.value, argv: WORDS.slice(0, words), assignments: [], at: source.locate(file, cmdStart), conditional: false, text: source.text.slice(cmdStart, cmdEnd), index: made };
  return true;
}

/**
 * `NAME="$(commands)"`, the way official images capture a value (`savedAptMark="$(apt-mark
 * showmanual)"`, `arch="$(uname -m)"`), when every piece inside is a simple piece: no command
 * of its own, the commands inside all conditional (a substitution), as the grammar walk gives.
 */
export function substitutionAssignment(source: MappedText, shell: string[], file: string, firstPipeline: number): ShellScript | undefined {
  const text = source.text;
  // `export NAME="$(...)"` (`export GNUPGHOME="$(mktemp -d)"`): the grammar reads a
  // declaration, one command of two words (`export` and the assignment, as written, not
  // literal), then the commands inside.
  const head = /^([ \t]*)(?:(export)([ \t]+))?[A-Za-z_][A-Za-z0-9_]*="\$\(/.exec(text);
  if (!head) return undefined;
  const close = skipNested(text, head[0].length, ')');
  if (close < 0 || text[close] !== '"' || !/^[ \t]*$/.test(text.slice(close + 1))) return undefined;
  const inner = source.slice(head[0].length, close - 1);
  const pieces = topLevelPieces(inner.text);
  if (!pieces?.length) return undefined;
  const acc = { commands: [] as ShellCommand[], pipelines: firstPipeline, hasPipe: false };
  if (head[2] !== undefined) {
    const start = (head[1] as string).length;
    const assignment = start + 6 + (head[3] as string).length;
    const at = source.locate(file, start);
    const raw = text.slice(assignment, close + 1);
    acc.commands.push({ name: 'export', argv: [{ value: 'export', raw: 'export', literal: true, at }, { value: raw, raw, literal: false, at: source.locate(file, assignment) }], assignments: [], at: source.locate(file, start), conditional: false, text: text.slice(start, close + 1), index: 0 });
  }
  if (!addConditional(acc, pieces.map((p) => inner.slice(p.start, p.end)), shell, file)) return undefined;
  return { text, shell, ...acc, errors: [] };
}

/**
 * Reads each part as a simple piece and adds its commands as conditional ones, numbered on
 * (inside a substitution or a case item, as the grammar walk gives them); false when a part
 * is not a simple piece.
 */
function addConditional(acc: { commands: ShellCommand[]; pipelines: number; hasPipe: boolean }, parts: MappedText[], shell: string[], file: string): boolean {
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k] as MappedText;
    const made = simpleCommands(part, 0, part.text.length, file, acc.pipelines);
    if (!made) return false;
    for (let m = 0; m < made.length; m++) {
      const c = made[m] as ShellCommand;
      c.conditional = true;
      c.index = acc.commands.length;
      acc.commands.push(c);
    }
    if (piped(made)) {
      acc.pipelines++;
      acc.hasPipe = true;
    }
  }
  return true;
}

/** `case WORD in`: the word a variable (quoted or not) or a bare word, neither of which runs a command. */
const CASE_HEAD = /^[ \t]*case[ \t]+(?:"\$[A-Za-z_][A-Za-z0-9_]*"|\$[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9_./-]+)[ \t]+in[ \t]+/;
/** `pattern)` or `a|b)`: bare glob words only. */
const CASE_PATTERN = /[ \t]*([A-Za-z0-9_.*?/-]+(?:[ \t]*\|[ \t]*[A-Za-z0-9_.*?/-]+)*)[ \t]*\)/y;
/** A statement that only sets a variable (`extraConfig='--enable-sse'`): no command in the grammar. */
const ASSIGNMENT_ONLY = /^[ \t]*[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|"[^"\\`$]*"|[A-Za-z0-9_./:,@+%^=-]*)[ \t]*$/;

/**
 * `case "$arch" in aarch64) x='--a' ;; *) x='' ;; esac`, the way official images pick
 * per-architecture options, when each item's body is made of simple pieces and plain
 * assignments and ends in `;;`: the commands of the bodies, all conditional, as the grammar
 * walk gives them (the differential test in shell-pieces.test.ts holds the two together).
 */
export function caseStatement(source: MappedText, shell: string[], file: string, firstPipeline: number): ShellScript | undefined {
  const text = source.text;
  const head = CASE_HEAD.exec(text);
  if (!head) return undefined;
  const acc = { commands: [] as ShellCommand[], pipelines: firstPipeline, hasPipe: false };
  let i = head[0].length;
  for (;;) {
    const esac = /^[ \t]*esac[ \t]*$/.exec(text.slice(i));
    if (esac) break;
    CASE_PATTERN.lastIndex = i;
    const pattern = CASE_PATTERN.exec(text);
    if (!pattern || /(?:^|[ \t|])esac(?:$|[ \t|])/.test(pattern[1] as string)) return undefined;
    const bodyStart = CASE_PATTERN.lastIndex;
    const bodyEnd = itemEnd(text, bodyStart);
    if (bodyEnd < 0) return undefined;
    const body = source.slice(bodyStart, bodyEnd);
    // A reserved word of a case inside the body, even as an argument, is left to the grammar.
    if (/(?:^|[^A-Za-z0-9_])(?:case|esac)(?:$|[^A-Za-z0-9_])/.test(body.text)) return undefined;
    const pieces = topLevelPieces(body.text);
    if (!pieces) return undefined;
    const parts = pieces.map((p) => body.slice(p.start, p.end)).filter((part) => !ASSIGNMENT_ONLY.test(part.text));
    if (!addConditional(acc, parts, shell, file)) return undefined;
    i = bodyEnd + 2;
  }
  return { text, shell, ...acc, errors: [] };
}

/** Where the `;;` ending a case item's body is (quotes followed), or -1 for anything else that could end or nest it. */
function itemEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const q = quoteEnd(text, i);
      if (q < 0) return -1;
      i = q - 1;
    } else if (c === ';') {
      if (text[i + 1] === ';') return text[i + 2] === '&' ? -1 : i;
    } else if (c === '\\' || c === '$' || c === '`' || c === '(' || c === ')' || c === '{' || c === '}' || c === '#') return -1;
  }
  return -1;
}

/** `[ -z "$x" ]`, `[ -f /path ]`: a test of one word, which runs no command. */
const UNARY_TEST = /^[ \t]*\[[ \t]+-[zndefxsrwLh][ \t]+(?:"\$[A-Za-z_][A-Za-z0-9_]*"|"[A-Za-z0-9_./-]*"|[A-Za-z0-9_./-]+)[ \t]+\][ \t]*$/;

export function unaryTest(source: MappedText, shell: string[], firstPipeline: number): ShellScript | undefined {
  return UNARY_TEST.test(source.text) ? { text: source.text, shell, commands: [], hasPipe: false, pipelines: firstPipeline, errors: [] } : undefined;
}

export interface Piece {
  start: number;
  end: number;
  /** The piece follows `||`: it runs only when the one before fails. */
  afterOr: boolean;
}

/** Words that open a compound command, and the word that closes it. */
const OPENERS: Record<string, string> = { if: 'fi', case: 'esac', for: 'done', while: 'done', until: 'done', select: 'done' };
const CLOSERS = new Set(['fi', 'esac', 'done']);
/** Words after which the text is left whole: constructs the splitter does not follow. */
const UNSPLIT_WORDS = new Set(['function', 'coproc', '!', '[[', ']]', '{', '}', 'time']);
/** The first characters of those words and of the openers and closers: other words are not looked up. */
const WORD_START = new Uint8Array(128);
for (const w of [...UNSPLIT_WORDS, ...Object.keys(OPENERS), ...CLOSERS]) WORD_START[w.charCodeAt(0)] = 1;

/**
 * The top-level pieces of a one-line script, split at `;`, `&&` and `||` outside quotes,
 * substitutions and compound commands (`if ... fi`, `case ... esac`, loops), or undefined
 * when the text holds anything the scan does not follow with certainty: newlines, comments,
 * heredocs, background `&`, subshells and groups, `[[`, functions, unbalanced quotes. A
 * reserved word taken wrongly as an opener only keeps more text together, which is always
 * safe; a piece cut inside a construct does not parse cleanly and sends the whole text to
 * the grammar.
 */
export function topLevelPieces(text: string): Piece[] | undefined {
  if (text.length > 65536 || /[\n\r`]|<</.test(text)) return undefined;
  const pieces: Piece[] = [];
  const closers: string[] = [];
  let start = 0;
  let afterOr = false;
  let wordStart = 0;
  let quotedWord = false;
  let inWord = false;
  let i = 0;
  const n = text.length;
  const endWord = (): boolean => {
    // The words looked for are at most 8 characters long.
    if (inWord && !quotedWord && i - wordStart <= 8 && WORD_START[text.charCodeAt(wordStart)] === 1) {
      const word = text.slice(wordStart, i);
      if (UNSPLIT_WORDS.has(word)) return false;
      const closer = OPENERS[word];
      if (closer) closers.push(closer);
      else if (CLOSERS.has(word)) {
        if (closers.pop() !== word) return false;
      }
    }
    inWord = false;
    quotedWord = false;
    return true;
  };
  /** A quote, an escape or a substitution at `at`: part of the word there (starting one if none has). */
  const quotedAt = (at: number): void => {
    if (!inWord) wordStart = at;
    inWord = true;
    quotedWord = true;
  };
  const cut = (end: number, op: string): boolean => {
    if (blank(text, start, end)) return false;
    pieces.push({ start, end, afterOr });
    afterOr = op === '||';
    return true;
  };
  while (i < n) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') {
      if (!endWord()) return undefined;
      i++;
      continue;
    }
    if (c === '\'' || c === '"') {
      const close = quoteEnd(text, i);
      if (close < 0) return undefined;
      quotedAt(i);
      i = close;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= n) return undefined;
      quotedAt(i);
      i += 2;
      continue;
    }
    if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const close = skipNested(text, i + 2, text[i + 1] === '(' ? ')' : '}');
      if (close < 0) return undefined;
      quotedAt(i);
      i = close;
      continue;
    }
    if (c === '(' || c === ')' || c === '{' || c === '}') {
      // Inside `case` the patterns end in `)`; elsewhere these open subshells and groups.
      if (closers.at(-1) !== 'esac' || c === '{' || c === '}') return undefined;
      if (!endWord()) return undefined;
      i++;
      continue;
    }
    if (c === ';' || c === '&' || c === '|' || c === '<' || c === '>') {
      if (!endWord()) return undefined;
      // The operator's second character (undefined at the end), compared rather than sliced out.
      const d = text[i + 1];
      if (c === '<' || c === '>') {
        // A redirection: `>&`, `>>`, `>|`, `<&`, `<>` are one operator; `<<` was refused above.
        i += (c === '>' && (d === '&' || d === '>' || d === '|')) || (c === '<' && (d === '&' || d === '>')) ? 2 : 1;
        continue;
      }
      if (c === '&' && d === '>') {
        i += text[i + 2] === '>' ? 3 : 2;
        continue;
      }
      if (c === '|' && d !== '|') {
        i += d === '&' ? 2 : 1;
        continue;
      }
      if (c === '&' && d !== '&') return undefined;
      if (c === ';' && (d === ';' || d === '&')) {
        if (closers.at(-1) !== 'esac') return undefined;
        i += d === ';' && text[i + 2] === '&' ? 3 : 2;
        continue;
      }
      const op = c === ';' ? ';' : c === '&' ? '&&' : '||';
      if (closers.length === 0) {
        if (!cut(i, op)) return undefined;
        start = i + op.length;
      }
      i += op.length;
      continue;
    }
    // A comment runs to the end of the line, separators included.
    if (c === '#' && !inWord) return undefined;
    if (!inWord) wordStart = i;
    inWord = true;
    i++;
    // The rest of a run of word characters, none of which the loop above tells apart: a
    // chain is mostly such runs, skipped here rather than a character a turn.
    while (i < n && BARE_CHAR[text.charCodeAt(i)] === 1) i++;
  }
  if (!endWord() || closers.length) return undefined;
  if (!blank(text, start, n)) pieces.push({ start, end: n, afterOr });
  else if (afterOr || text.slice(0, start).trimEnd().endsWith('&&')) return undefined;
  return pieces;
}

/** Whether `text` from `start` to `end` is empty or blanks only (what `trim` would empty). */
function blank(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (!isSpace(text.charCodeAt(k))) return false;
  return true;
}

/** The index after the `"` closing a double-quoted string that starts at `from` (after its quote), or -1. */
/** At a quote at `i`: the index after the quote that closes it (inside double quotes, backslashes escape), or -1 when none does. */
function quoteEnd(text: string, i: number): number {
  if (text[i] === "'") {
    const close = text.indexOf("'", i + 1);
    return close < 0 ? -1 : close + 1;
  }
  return skipDouble(text, i + 1);
}

function skipDouble(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
    else if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const close = skipNested(text, i + 2, text[i + 1] === '(' ? ')' : '}');
      if (close < 0) return -1;
      i = close - 1;
    }
  }
  return -1;
}

/**
 * The index after the `close` that ends a `$(`/`${` opened before `from`, or -1. Quotes and
 * nested substitutions inside are followed; a `case` inside (whose patterns end in `)`) is
 * not, and refuses.
 */
function skipNested(text: string, from: number, close: string): number {
  const open = close === ')' ? '(' : '{';
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === "'" || c === '"') {
      const q = quoteEnd(text, i);
      if (q < 0) return -1;
      i = q - 1;
    } else if (c === open) depth++;
    else if (c === close && --depth === 0) return i + 1;
    else if (c === 'c' && /^case\b/.test(text.slice(i, i + 5)) && /[\s;&|(]/.test(text[i - 1] ?? ' ')) return -1;
  }
  return -1;
}

/** `parseShell` through the grammar always (the plain-command path is checked against it). */
export function parseShellTree(parser: Parser, source: MappedText, shell: string[], file: string, firstPipeline = 0): ShellScript {
  const text = source.text;
  const tree = parser.parse(text);
  const commands: ShellCommand[] = [];
  const errors: Location[] = [];
  let pipelines = firstPipeline;
  let hasPipe = false;
  const at = (offset: number): Location => source.locate(file, offset);
  if (!tree) return { text, shell, commands, hasPipe, pipelines, errors: [at(0)] };

  // An explicit stack, not recursion: `a && b && ...` nests one level per command, and a
  // 20,000-command RUN must not exhaust the call stack. Children are pushed in reverse so
  // commands come out in source order. Every property read crosses into WebAssembly, so each
  // is read once; in a tree without errors the words' own subtrees (no command, pipeline or
  // error can be in them) are not visited.
  const clean = !tree.rootNode.hasError;
  const stack: { node: Node; pipeline: number | undefined; conditional: boolean }[] = [{ node: tree.rootNode, pipeline: undefined, conditional: false }];
  const next: (typeof stack)[number][] = [];
  while (stack.length) {
    const { node, pipeline, conditional } = stack.pop() as (typeof stack)[number];
    const type = node.type;
    if (!clean && (type === 'ERROR' || node.isMissing)) errors.push(at(node.startIndex));
    next.length = 0;
    if (type === 'command' || type === 'declaration_command' || type === 'unset_command') {
      const children = node.namedChildren;
      const read = toCommand(node, type, children, pipeline, conditional, commands.length, at);
      commands.push(read.command);
      // Substitutions inside the words run too (`$(curl ...)`).
      children.forEach((c, k) => {
        if (c && !(clean && LEAVES.has(read.types[k] as string))) next.push({ node: c, pipeline: undefined, conditional: true });
      });
    } else if (type === 'pipeline') {
      const id = pipelines++;
      for (const c of node.children) {
        if (!c) continue;
        const t = c.type;
        if (t === '|' || t === '|&') hasPipe = true;
        else if (c.isNamed) next.push({ node: c, pipeline: id, conditional });
      }
    } else {
      // `a || b`: b runs only when a fails.
      let afterOr = false;
      const isList = type === 'list';
      const inner = CONDITIONAL.has(type);
      for (const c of node.children) {
        if (!c) continue;
        const t = c.type;
        if (isList && t === '||') afterOr = true;
        if ((clean && LEAVES.has(t)) || !(t === 'ERROR' || c.isNamed)) continue;
        next.push({ node: c, pipeline, conditional: conditional || afterOr || inner });
      }
    }
    for (let k = next.length - 1; k >= 0; k--) stack.push(next[k] as (typeof stack)[number]);
  }
  tree.delete();
  return { text, shell, commands, hasPipe, pipelines, errors };
}

/** Node types that hold no command, pipeline or list (words and their parts): not walked when the tree is clean. */
const LEAVES = new Set(['word', 'number', 'raw_string', 'ansi_c_string', 'string_content', 'variable_name', 'special_variable_name', 'simple_expansion', 'file_descriptor', 'test_operator', 'comment']);

function toCommand(node: Node, type: string, children: readonly (Node | null)[], pipeline: number | undefined, conditional: boolean, index: number, at: (o: number) => Location): { command: ShellCommand; types: string[] } {
  const argv: ShellWord[] = [];
  const assignments: string[] = [];
  const types: string[] = [];
  // `export A=1`: the keyword is an anonymous child; its assignments are its arguments.
  const keyword = type === 'command' ? undefined : node.children[0];
  if (keyword) argv.push({ value: keyword.text, raw: keyword.text, literal: true, at: at(keyword.startIndex) });
  for (const c of children) {
    if (!c) {
      types.push('');
      continue;
    }
    const t = c.type;
    types.push(t);
    if (keyword) argv.push(word(c, t, at));
    else if (t === 'variable_assignment') assignments.push(c.text);
    else if (t === 'command_name') {
      const w = c.namedChildren[0];
      argv.push(w ? word(w, w.type, at) : word(c, t, at));
    } else if (t.endsWith('redirect') || t === 'herestring_redirect') continue;
    else argv.push(word(c, t, at));
  }
  const command: ShellCommand = {
    name: argv[0]?.value ?? '',
    argv,
    assignments,
    at: at(node.startIndex),
    ...(pipeline !== undefined ? { pipeline } : {}),
    conditional,
    text: node.text,
    index,
  };
  return { command, types };
}

function word(node: Node, type: string, at: (o: number) => Location): ShellWord {
  const raw = node.text;
  const { value, literal } = unquote(node, type, raw);
  return { value, raw, literal, at: at(node.startIndex) };
}

/** Quote removal as the shell does it; expansions are kept as written and mark the word non-literal. */
function unquote(node: Node, type: string, text: string): { value: string; literal: boolean } {
  switch (type) {
    case 'word':
    case 'number':
      return { value: text.includes('\\') ? text.replace(/\\(.)/gs, '$1') : text, literal: true };
    case 'raw_string':
      return { value: text.slice(1, -1), literal: true };
    case 'ansi_c_string':
      return { value: text.slice(2, -1), literal: true };
    case 'string': {
      // Keep what lies between the quotes, minus the escapes that are special inside them.
      const inner = text.slice(1, -1).replace(/\\([$`"\\\n])/g, '$1');
      const literal = node.namedChildren.every((c) => c?.type === 'string_content');
      return { value: inner, literal };
    }
    case 'concatenation': {
      let value = '';
      let literal = true;
      for (const c of node.children) {
        if (!c) continue;
        const part = unquote(c, c.type, c.text);
        value += part.value;
        literal &&= part.literal;
      }
      return { value, literal };
    }
    default:
      return { value: text, literal: false };
  }
}
