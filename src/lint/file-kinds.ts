import { dirname } from 'node:path';
import type { Subject } from '../findings/finding.ts';
import type { ContainerSpec } from '../models/container-spec.ts';
import type { DockerfileSpec } from '../models/dockerfile-spec.ts';
import type { Location } from '../models/location.ts';
import type { NetworkPicture } from '../models/network.ts';
import { parseDockerfile } from '../sources/dockerfile/parse.ts';
import { decodeDockerfile } from '../sources/dockerfile/text.ts';
import type { RuleTarget } from '../rules/rule.ts';

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

export const dockerfileKind: FileKind = {
  id: 'dockerfile',
  title: 'Dockerfile',
  targets: ['dockerfile'],
  matches: isDockerfileName,
  async read(bytes, ctx) {
    const dockerfile = await parseDockerfile(bytes, { file: ctx.file });
    return { models: [{ target: 'dockerfile', subject: { kind: 'file', id: ctx.file, name: ctx.file }, dockerfile }], warnings: [] };
  },
};

const containerModel = (container: ContainerSpec): Judged => ({ target: 'container', subject: { kind: 'container', id: container.id, name: container.name }, container });

export const composeKind: FileKind = {
  id: 'compose',
  title: 'compose file',
  targets: ['container'],
  matches: (name) => /^(docker-)?compose[^/]*\.ya?ml$/i.test(name),
  async read(bytes, ctx) {
    const { containersFromCompose } = await import('../sources/compose/project.ts');
    const text = decodeDockerfile(bytes, ctx.file, 'compose file');
    const result = containersFromCompose(text, { file: ctx.file, env: ctx.env, cwd: dirname(ctx.path) });
    // A file that declares its networks says what reaches what: the network rules judge that picture.
    if (!result.networkDefs.some((n) => n.def !== undefined)) return { models: result.specs.map(containerModel), warnings: result.warnings };
    const network = (await import('../sources/compose/networks.ts')).composeNetworkPicture(ctx.file, result);
    return { models: result.specs.map((c) => ({ ...containerModel(c), network })), warnings: result.warnings };
  },
};

/** `docker run`/`docker create` lines in a shell script or a Makefile's recipes. */
async function readRunLines(bytes: Uint8Array, ctx: ReadContext, what: string): Promise<ReadResult> {
  const [{ findRunLines }, { containerFromRunArgs }] = await Promise.all([import('../sources/run/shell.ts'), import('../sources/run/argv.ts')]);
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

/** Every kind, in matching order (the first that matches a name wins). */
export const FILE_KINDS: readonly FileKind[] = [dockerfileKind, composeKind, shellScriptKind, makefileKind];

export function kindOf(name: string, kinds: readonly FileKind[] = FILE_KINDS): FileKind | undefined {
  return kinds.find((k) => k.matches(name));
}
