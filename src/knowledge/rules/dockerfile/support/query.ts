import type { DockerfileSpec, Instruction, ShellCommand, ShellScript, ShellWord, Stage } from '../../../../models/dockerfile-spec.ts';

/**
 * Every instruction a build can execute, in file order: top-level ones and the triggers
 * that `ONBUILD` registers (a rule that judges `RUN` judges `ONBUILD RUN` the same way).
 * Sixty rules ask this of the same spec: the lists are built once per spec and keyword, so
 * a Dockerfile of 200,000 instructions is walked once, not once per rule. Callers must not
 * change the array they get.
 */
export function executable(spec: DockerfileSpec, keyword?: string): readonly Instruction[] {
  let byKeyword = EXECUTABLE.get(spec);
  if (!byKeyword) {
    byKeyword = new Map([['', spec.instructions.map((i) => i.onbuild ?? i)]]);
    EXECUTABLE.set(spec, byKeyword);
  }
  const all = byKeyword.get('') as Instruction[];
  if (keyword === undefined) return all;
  let list = byKeyword.get(keyword);
  if (!list) {
    list = all.filter((i) => i.keyword === keyword);
    byKeyword.set(keyword, list);
  }
  return list;
}

const EXECUTABLE = new WeakMap<DockerfileSpec, Map<string, Instruction[]>>();

export interface Found {
  instruction: Instruction;
  script: ShellScript;
  command: ShellCommand;
}

/**
 * Every shell command of every RUN (triggers included), optionally only those named `names`.
 * Twenty rules ask this of the same spec: the commands are listed once per spec, by name as
 * well, so a rule asking for `apk` gets its list without a pass over the others. Callers
 * must not change the array they get.
 */
export function runCommands(spec: DockerfileSpec, ...names: string[]): readonly Found[] {
  let cached = RUN_COMMANDS.get(spec);
  if (!cached) {
    const all: Found[] = [];
    const byName = new Map<string, Found[]>();
    const runs = executable(spec, 'RUN');
    for (let k = 0; k < runs.length; k++) {
      const instruction = runs[k] as Instruction;
      const script = instruction.shell;
      if (!script) continue;
      const commands = script.commands;
      for (let c = 0; c < commands.length; c++) {
        const command = commands[c] as ShellCommand;
        const found: Found = { instruction, script, command };
        all.push(found);
        const named = byName.get(command.name);
        if (named) named.push(found);
        else byName.set(command.name, [found]);
      }
    }
    cached = { all, byName, byNames: new Map() };
    RUN_COMMANDS.set(spec, cached);
  }
  if (names.length === 0) return cached.all;
  if (names.length === 1) return cached.byName.get(names[0] as string) ?? NONE;
  // Several names: in file order across them, made once per set of names.
  const key = names.join('\0');
  let list = cached.byNames.get(key);
  if (!list) {
    list = cached.all.filter((f) => names.includes(f.command.name));
    cached.byNames.set(key, list);
  }
  return list;
}

const NONE: readonly Found[] = Object.freeze([]);

const RUN_COMMANDS = new WeakMap<DockerfileSpec, { all: Found[]; byName: Map<string, Found[]>; byNames: Map<string, Found[]> }>();

// Every rule asks these of every command it looks at: indexed loops over argv, no copies of it.

/** The words after the command name that are not options (`-x`, `--long`). */
export function operands(cmd: ShellCommand): ShellWord[] {
  const out: ShellWord[] = [];
  const argv = cmd.argv;
  for (let k = 1; k < argv.length; k++) {
    const w = argv[k] as ShellWord;
    if (!w.value.startsWith('-')) out.push(w);
  }
  return out;
}

/** The first operand: `install` in `apt-get -q install x`. */
export function subcommand(cmd: ShellCommand): string | undefined {
  const argv = cmd.argv;
  for (let k = 1; k < argv.length; k++) {
    const value = (argv[k] as ShellWord).value;
    if (!value.startsWith('-')) return value;
  }
  return undefined;
}

/**
 * Whether an option is given: a one-letter name matches `-y` and combined short options
 * (`-qy`); a longer name matches `--name` and `--name=value`.
 */
export function hasOption(cmd: ShellCommand, ...names: string[]): boolean {
  const argv = cmd.argv;
  for (let k = 1; k < argv.length; k++) if (matchesOption((argv[k] as ShellWord).value, names)) return true;
  return false;
}

const SHORT_OPTIONS = /^-[A-Za-z0-9]+$/;

export function matchesOption(word: string, names: readonly string[]): boolean {
  // Only a word starting with `-` is an option of either form.
  if (word.charCodeAt(0) !== 45) return false;
  let short: boolean | undefined;
  for (let k = 0; k < names.length; k++) {
    const n = names[k] as string;
    if (n.length === 1) {
      if ((short ??= SHORT_OPTIONS.test(word)) && word.includes(n, 1)) return true;
    } else if (word.length >= n.length + 2 && word.charCodeAt(1) === 45 && word.startsWith(n, 2) && (word.length === n.length + 2 || word.charCodeAt(n.length + 2) === 61)) return true;
  }
  return false;
}

/** Operands of a package-manager command after its subcommand, skipping option values listed in `valued`. */
export function packagesAfter(cmd: ShellCommand, sub: string, valued: readonly string[] = []): ShellWord[] {
  const words = cmd.argv.slice(1);
  const out: ShellWord[] = [];
  let seenSub = false;
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as ShellWord;
    if (w.value.startsWith('-')) {
      if (valued.includes(w.value)) k++;
      continue;
    }
    if (!seenSub) {
      if (w.value === sub) seenSub = true;
      continue;
    }
    out.push(w);
  }
  return out;
}

/** The stage an instruction belongs to. */
export function stageOf(spec: DockerfileSpec, i: Instruction): Stage | undefined {
  return i.stage >= 0 ? spec.stages[i.stage] : undefined;
}

/** Shell-form text for evidence: one line, at most 120 characters. */
export function evidenceOf(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 117)}...` : one;
}
