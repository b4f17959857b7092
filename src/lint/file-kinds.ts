import type { Subject } from '../findings/finding.ts';
import type { ContainerSpec } from '../models/container-spec.ts';
import type { DockerfileSpec } from '../models/dockerfile-spec.ts';
import { parseDockerfile } from '../sources/dockerfile/parse.ts';
import type { RuleTarget } from '../rules/rule.ts';

/**
 * What one file became: models, each with the subject findings are reported on. A
 * Dockerfile becomes one `DockerfileSpec` judged by the Dockerfile rules; a compose file
 * or a script becomes `ContainerSpec`s judged by the container rules, exactly as
 * `audit` judges running containers.
 */
export type Judged = { target: 'dockerfile'; subject: Subject; dockerfile: DockerfileSpec } | { target: 'container'; subject: Subject; container: ContainerSpec };

export interface ReadContext {
  /** Path for findings and errors (relative to the working directory when under it). */
  file: string;
  /** Variables for interpolation (compose), normally the process environment. */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/**
 * One kind of file `moat lint` understands: how to recognise it, how to read it into
 * models, and (through `Judged.target`) which rule set judges them. Doors register here;
 * a kind without `read` is recognised but its door is not built in, and lint says so.
 */
export interface FileKind {
  id: string;
  /** For people: `Dockerfile`, `compose file` (the plural adds an s). */
  title: string;
  /** The rule targets its models are judged by. */
  targets: readonly RuleTarget[];
  /** Whether a file name (the last path segment) names a file of this kind. */
  matches(name: string): boolean;
  read?: (bytes: Uint8Array, ctx: ReadContext) => Promise<Judged[]>;
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
    return [{ target: 'dockerfile', subject: { kind: 'file', id: ctx.file, name: ctx.file }, dockerfile }];
  },
};

export const composeKind: FileKind = {
  id: 'compose',
  title: 'compose file',
  targets: ['container'],
  matches: (name) => /^(docker-)?compose[^/]*\.ya?ml$/i.test(name),
  pending: 'the compose door (src/sources/compose/) is not in this build yet',
};

export const shellScriptKind: FileKind = {
  id: 'shell',
  title: 'shell script',
  targets: ['container'],
  matches: (name) => /\.(sh|bash)$/i.test(name),
  pending: 'the docker run door (src/sources/run/) is not in this build yet',
};

/** Every kind, in matching order (the first that matches a name wins). */
export const FILE_KINDS: readonly FileKind[] = [dockerfileKind, composeKind, shellScriptKind];

export function kindOf(name: string, kinds: readonly FileKind[] = FILE_KINDS): FileKind | undefined {
  return kinds.find((k) => k.matches(name));
}
