import { dirname } from 'node:path';
import type { Subject } from '../../models/finding.ts';
import type { ContainerSpec } from '../../models/container-spec.ts';
import type { DockerfileSpec } from '../../models/dockerfile-spec.ts';
import type { Location } from '../../models/location.ts';
import type { NetworkPicture } from '../../models/network.ts';
import { parseDockerfile } from '../../doors/dockerfile/parse.ts';
import { decodeDockerfile } from '../../doors/dockerfile/text.ts';
import { MoatError } from '../../util/errors.ts';
import type { RuleTarget } from '../../models/rule.ts';

/**
 * What one file became: models, each with the subject findings are reported on. A
 * Dockerfile becomes one `DockerfileSpec` judged by the Dockerfile rules; a compose file
 * or a script becomes `ContainerSpec`s judged by the container rules, exactly as
 * `audit` judges running containers.
 */
export type Judged = { target: 'dockerfile'; subject: Subject; dockerfile: DockerfileSpec } | { target: 'container'; subject: Subject; container: ContainerSpec; network?: NetworkPicture };

export interface ReadResult {
  models: Judged[];
  /** What the door could not establish (a `$VAR` read literally, an unknown key). */
  warnings: { message: string; at?: Location }[];
  /** What was deliberately left out, and why (a template file skipped): shown as notes, not warnings. */
  notes?: { message: string; at?: Location }[];
}

export interface ReadContext {
  /** Path for findings and errors (relative to the working directory when under it). */
  file: string;
  /** Absolute path (relative references in the file resolve against its directory). */
  path: string;
  /** Variables for interpolation (compose, `-e NAME`), normally the process environment. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * One kind of file `moat lint` understands: how to recognise it, how to read it into
 * models (its door), and so (through `Judged.target`) which rule set judges them.
 * A kind without `read` is recognised but has no door yet: lint reports such files
 * rather than skipping them in silence.
 */
export interface FileKind {
  id: string;
  /** For people: `Dockerfile`, `compose file` (the plural adds an s). */
  title: string;
  /** The rule targets its models are judged by. */
  targets: readonly RuleTarget[];
  /** Whether a file name (the last path segment) names a file of this kind. */
  matches(name: string): boolean;
  read?: (bytes: Uint8Array, ctx: ReadContext) => Promise<ReadResult>;
  /** Why `read` is missing, for the warning. */
  pending?: string;
}

/** `Dockerfile`, `Containerfile`, `x.Dockerfile`, `Dockerfile.x` (not BuildKit's `Dockerfile.dockerignore`, nor editor leftovers). */
export function isDockerfileName(name: string): boolean {
  const n = name.toLowerCase();
  if (/\.(dockerignore|md|txt|orig|rej|bak|swp|swo|tmp|patch|diff)$|~$/.test(n)) return false;
  return /^(dockerfile|containerfile)(\.[^/]+)?$/.test(n) || /^[^/]+\.(dockerfile|containerfile)$/.test(n);
}

const TEMPLATE_SUFFIX = /\.(template|tmpl|tpl|gotmpl|j2|jinja2?|erb|mustache|hbs|in)$/i;

/** `Dockerfile.template`, `Dockerfile-alpine.tmpl`, `app.Dockerfile.j2`: a generator's input, not a Dockerfile. */
export function isDockerfileTemplateName(name: string): boolean {
  if (!TEMPLATE_SUFFIX.test(name)) return false;
  const stem = name.replace(TEMPLATE_SUFFIX, '');
  return /^(dockerfile|containerfile)([.-][^/]*)?$/i.test(stem) || /\.(dockerfile|containerfile)$/i.test(stem);
}

/**
 * Where a file named like a Dockerfile shows it is a template: a FROM built from
 * `{{ ... }}` (Go, jq, Jinja), `{% ... %}` or `%%VAR%%` placeholders (`from`), or a line of
 * template control such as `{{ if ... }}` (`control`: only asked once the file fails to
 * parse, since a heredoc may hold such lines). Linting a template would report its
 * placeholders, or findings the generated Dockerfiles already get.
 */
export function templateMarker(text: string, kind: 'from' | 'control'): { line: number; marker: string } | undefined {
  const m = (kind === 'from' ? FROM_TEMPLATE : CONTROL_TEMPLATE).exec(text);
  if (!m) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
  return { line, marker: (m[1] ?? '').trim() };
}

const FROM_TEMPLATE = /^[ \t]*FROM[ \t][^\n]*?(\{\{|\{%|%%[A-Za-z_][A-Za-z0-9_]*%%)/im;
const CONTROL_TEMPLATE = /^[ \t]*(\{\{-?[ \t]*(?:if|range|for|end|else|define|template|with|block|def|include|import)\b|\{%-?[ \t]*[a-z]+|\{\{)/m;

const SKIPPED_TEMPLATE = 'Dockerfile templates (jq, Go or Jinja placeholders) are skipped: lint the Dockerfiles generated from them';

/** Named like a Dockerfile template: recognised and listed in a note, never linted as a Dockerfile. */
export const dockerfileTemplateKind: FileKind = {
  id: 'dockerfile-template',
  title: 'Dockerfile template',
  targets: [],
  matches: isDockerfileTemplateName,
  pending: SKIPPED_TEMPLATE,
};

export const dockerfileKind: FileKind = {
  id: 'dockerfile',
  title: 'Dockerfile',
  targets: ['dockerfile'],
  matches: isDockerfileName,
  async read(bytes, ctx) {
    const text = decodeDockerfile(bytes, ctx.file, 'Dockerfile');
    const skipped = (t: { line: number; marker: string }): ReadResult => ({ models: [], warnings: [{ message: `a Dockerfile template ("${t.marker.slice(0, 40)}"), not a Dockerfile: skipped; lint the Dockerfiles generated from it`, at: { file: ctx.file, line: t.line } }] });
    const fromTemplate = templateMarker(text, 'from');
    if (fromTemplate) return skipped(fromTemplate);
    let dockerfile: DockerfileSpec;
    try {
      dockerfile = await parseDockerfile(text, { file: ctx.file });
    } catch (e) {
      const control = e instanceof MoatError ? templateMarker(text, 'control') : undefined;
      if (control) return skipped(control);
      throw e;
    }
    return { models: [{ target: 'dockerfile', subject: { kind: 'file', id: ctx.file, name: ctx.file }, dockerfile }], warnings: [] };
  },
};

const containerModel = (container: ContainerSpec): Judged => ({ target: 'container', subject: { kind: 'container', id: container.id, name: container.name }, container });

export const composeKind: FileKind = {
  id: 'compose',
  title: 'compose file',
  targets: ['container'],
  // fig.yml: the name compose files had in version 1 (Fig).
  matches: (name) => /^(docker-)?compose[^/]*\.ya?ml$|^fig\.ya?ml$/i.test(name),
  async read(bytes, ctx) {
    const { containersFromCompose } = await import('../../doors/compose/project.ts');
    const text = decodeDockerfile(bytes, ctx.file, 'compose file');
    const result = containersFromCompose(text, { file: ctx.file, env: ctx.env, cwd: dirname(ctx.path) });
    // A file that declares its networks says what reaches what: the network rules judge that picture.
    if (!result.networkDefs.some((n) => n.def !== undefined)) return { models: result.specs.map(containerModel), warnings: result.warnings };
    const network = (await import('../../doors/compose/networks.ts')).composeNetworkPicture(ctx.file, result);
    return { models: result.specs.map((c) => ({ ...containerModel(c), network })), warnings: result.warnings };
  },
};

/** `docker run`/`docker create` lines in a shell script or a Makefile's recipes. */
async function readRunLines(bytes: Uint8Array, ctx: ReadContext, what: string): Promise<ReadResult> {
  const [{ findRunLines }, { containerFromRunArgs }] = await Promise.all([import('../../doors/run-line/shell.ts'), import('../../doors/run-line/argv.ts')]);
  const text = decodeDockerfile(bytes, ctx.file, what);
  const models: Judged[] = [];
  const warnings: ReadResult['warnings'] = [];
  for (const line of await findRunLines(text, ctx.file)) {
    const run = containerFromRunArgs(line.argv, { file: ctx.file, positions: line.positions, expansions: line.expansions, cwd: dirname(ctx.path), env: ctx.env });
    models.push(containerModel(run.spec));
    warnings.push(...line.warnings, ...run.warnings);
  }
  return { models, warnings };
}

export const shellScriptKind: FileKind = {
  id: 'shell',
  title: 'shell script',
  targets: ['container'],
  matches: (name) => /\.(sh|bash)$/i.test(name),
  read: (bytes, ctx) => readRunLines(bytes, ctx, 'shell script'),
};

export const makefileKind: FileKind = {
  id: 'makefile',
  title: 'Makefile',
  targets: ['container'],
  matches: (name) => /^(GNUmakefile|[Mm]akefile)$|\.mk$/.test(name),
  read: (bytes, ctx) => readRunLines(bytes, ctx, 'Makefile'),
};

/**
 * A `docker run` line given on the command line (`moat lint --run "docker run ..."`): the
 * shell script door over one line. Text with no docker run/create command in it is a usage
 * error, not an empty pass.
 */
export const runLineKind: FileKind = {
  id: 'run',
  title: 'docker run line',
  targets: ['container'],
  matches: () => false,
  async read(bytes, ctx) {
    const result = await readRunLines(bytes, ctx, 'docker run line');
    if (result.models.length === 0) {
      const text = new TextDecoder().decode(bytes);
      throw new MoatError('usage', `${ctx.file}: no docker run or docker create command in "${text.length > 80 ? `${text.slice(0, 80)}…` : text}": give the whole command line, starting with docker`);
    }
    return result;
  },
};

/** `--kind` values: what standard input holds when its content does not say. */
export const KIND_NAMES: Readonly<Record<string, FileKind>> = {
  dockerfile: dockerfileKind,
  compose: composeKind,
  script: shellScriptKind,
  shell: shellScriptKind,
  makefile: makefileKind,
};

const INSTRUCTION = /^(from|arg|run|cmd|label|maintainer|expose|env|add|copy|entrypoint|volume|user|workdir|onbuild|stopsignal|healthcheck|shell)\b/i;
const COMPOSE_KEY = /^(services|version|volumes|networks|secrets|configs|include|name|x-[\w.-]+)\s*:/m;

/**
 * What a text given without a name holds (standard input): a Dockerfile when its first
 * instruction line starts with one (after comments and parser directives), a compose file
 * when it has a compose top-level key, a shell script when it has a docker command. None of
 * these: undefined, and the caller asks for `--kind`.
 */
export function detectKind(text: string): FileKind | undefined {
  const first = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (first === undefined) return undefined;
  if (INSTRUCTION.test(first) && !/^\w+\s*:/.test(first)) return dockerfileKind;
  if (COMPOSE_KEY.test(text)) return composeKind;
  if (/(^|[\s;&|(`])(sudo\s+)?docker\s+(container\s+)?(run|create)\b/.test(text)) return shellScriptKind;
  return undefined;
}

/** Every kind, in matching order (the first that matches a name wins). */
export const FILE_KINDS: readonly FileKind[] = [dockerfileTemplateKind, dockerfileKind, composeKind, shellScriptKind, makefileKind];

export function kindOf(name: string, kinds: readonly FileKind[] = FILE_KINDS): FileKind | undefined {
  return kinds.find((k) => k.matches(name));
}
