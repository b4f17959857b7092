import type { Location } from './location.ts';

/**
 * One Dockerfile as BuildKit reads it: stages, instructions with exact positions, and the
 * shell inside `RUN` parsed into commands. Rules read only this model, never the raw text,
 * so every rule sees the same continuation joining, comment dropping and heredoc splitting
 * that the builder applies.
 *
 * Positions are 1-based lines and columns (UTF-16 code units, as SARIF counts them) in the
 * file as given (a UTF-8 byte-order mark is not counted; CRLF line ends are one line end).
 */
export interface DockerfileSpec {
  file: string;
  /** `# syntax=` and `# escape=` (and any other parser directive) from the top of the file. */
  directives: Directive[];
  /** The escape character in force: `\` (default) or `` ` ``. */
  escape: '\\' | '`';
  /** Every instruction in file order, global `ARG`s before the first `FROM` included. */
  instructions: Instruction[];
  /** `ARG`s before the first `FROM`: visible to `FROM` lines only. */
  globalArgs: Instruction[];
  stages: Stage[];
  /** Every comment line that is not a parser directive (inline ignores live here). */
  comments: Comment[];
  /** Number of lines in the file. */
  lineCount: number;
}

export interface Directive {
  name: string;
  value: string;
  at: Location;
}

export interface Comment {
  /** The text after `#`, trimmed. */
  text: string;
  at: Location;
}

export interface Stage {
  /** 0-based position among the stages. */
  index: number;
  /** `AS name`, lower-cased as BuildKit compares it. */
  name?: string;
  from: Instruction;
  base: ImageRef;
  /** `--platform=` of the `FROM`. */
  platform?: string;
  /** The stage's instructions, its `FROM` first. */
  instructions: Instruction[];
}

export interface ImageRef {
  /** As written, variables unexpanded. */
  raw: string;
  /** After substituting the defaults of global `ARG`s (equals `raw` when there are none). */
  resolved: string;
  /** Registry host when the reference names one (`ghcr.io`, `localhost:5000`); Docker Hub otherwise. */
  registry?: string;
  /** Repository path without registry, tag or digest (`library/debian` is written `debian`). */
  repository: string;
  tag?: string;
  digest?: string;
  /** A `$VAR` remains after substitution: the tag and registry cannot be judged. */
  usesVariable: boolean;
  /** `scratch`: no base image at all. */
  scratch: boolean;
  /** Index of an earlier stage this reference names (`FROM build`, `COPY --from=build`). */
  stage?: number;
}

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Instruction {
  /** Upper-case keyword: `RUN`, `COPY`, … (`ONBUILD` for triggers' wrapper). */
  keyword: string;
  /** Where the keyword starts. */
  at: Location;
  span: Span;
  /** Index of the stage it belongs to; -1 for global `ARG`s (and anything before the first `FROM`). */
  stage: number;
  /** The instruction's source text exactly as written (continuations, comments and heredoc bodies included). */
  source: string;
  /** Leading `--name=value` flags (`--mount`, `--from`, `--chown`, `--platform`...). */
  flags: Flag[];
  /** The arguments after the flags as BuildKit joins them: continuations removed, comment lines dropped. */
  text: string;
  /** Where `text` starts. */
  textAt: Location;
  /** Whitespace-separated arguments of `text` (BuildKit's split for COPY, ADD, FROM, EXPOSE, ...). */
  args: Word[];
  /** Exec (JSON) form, when `text` is a JSON array of strings. */
  json?: Word[];
  /** `ENV`, `LABEL` and `ARG` as name/value pairs, quotes removed. */
  pairs?: KeyValue[];
  heredocs: Heredoc[];
  /** The shell script of a shell-form `RUN`, `CMD`, `ENTRYPOINT` or `HEALTHCHECK CMD` (absent when not a POSIX shell). */
  shell?: ShellScript;
  /** For `ONBUILD`: the trigger instruction it registers. */
  onbuild?: Instruction;
  /** True for a trigger instruction (the `RUN` of `ONBUILD RUN`). */
  trigger?: boolean;
}

export interface Flag {
  name: string;
  /** `undefined` for a bare `--flag`. */
  value?: string;
  at: Location;
}

export interface Word {
  value: string;
  at: Location;
}

export interface KeyValue {
  key: string;
  /** `undefined` for `ARG NAME` without a default. */
  value?: string;
  at: Location;
  valueAt?: Location;
}

export interface Heredoc {
  /** The delimiter word (`EOF`). */
  name: string;
  /** `<<-`: leading tabs are stripped from the body. */
  stripTabs: boolean;
  /** Quoted delimiter (`<<'EOF'`): no expansion in the body. */
  quoted: boolean;
  body: string;
  /** First line of the body. */
  bodyAt: Location;
  /** The body is a shell script (a `RUN` heredoc run by sh/bash): its commands are in the instruction's `shell`. */
  script: boolean;
}

/** A shell script parsed by a real shell parser: every simple command, wherever it sits (lists, pipes, `if`, subshells, `$(...)`). */
export interface ShellScript {
  /** The script text as the shell receives it. */
  text: string;
  /** Which shell the stage uses (`/bin/sh -c` unless `SHELL` changed it). */
  shell: string[];
  commands: ShellCommand[];
  /** The script contains a pipe (`a | b`). */
  hasPipe: boolean;
  /** Number of pipelines (ids in `ShellCommand.pipeline` are below it). */
  pipelines: number;
  /** Places the shell parser could not read (the script is still judged on what it could read). */
  errors: Location[];
}

export interface ShellCommand {
  /** The command word as the shell sees it after quote removal (`apt-get`). */
  name: string;
  /** Every word, the command name first, quotes removed; redirections and `VAR=value` prefixes excluded. */
  argv: ShellWord[];
  /** `VAR=value` assignments before the command. */
  assignments: string[];
  at: Location;
  /** Index of the pipeline this command belongs to, when it is a member of one (`a | b`). */
  pipeline?: number;
  /** Inside an `if`/`while`/`case`/`||` branch, or a command substitution: it may not run. */
  conditional: boolean;
  /** Source text of the command. */
  text: string;
  /** Position in `ShellScript.commands` (execution order as written). */
  index: number;
}

export interface ShellWord {
  /** After quote removal; expansions (`$X`, `$(...)`) kept as written. */
  value: string;
  /** As written. */
  raw: string;
  /** No expansion or substitution: `value` is exactly what the program receives. */
  literal: boolean;
  at: Location;
}
