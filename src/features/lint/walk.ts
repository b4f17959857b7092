import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import ignoreFactory, { type Ignore } from 'ignore';
import { MoatError } from '../../util/errors.ts';
import { kindOf, FILE_KINDS, dockerfileKind, type FileKind } from './file-kinds.ts';

export interface FoundFile {
  /** Absolute path. */
  path: string;
  /** As findings show it: relative to the working directory when under it. */
  display: string;
  kind: FileKind;
}

interface Layer {
  /** Directory the patterns are relative to. */
  base: string;
  ig: Ignore;
}

/** A directory walk stops at this depth: deeper trees are loops or generated junk, not source. */
export const MAX_DEPTH = 64;

/** Something the walk could not look into: a directory it cannot read or will not descend. */
export interface WalkProblem {
  message: string;
  /** The directory, as findings show paths. */
  file: string;
}

/**
 * The files `moat lint PATH...` judges. A file named on the command line is taken whatever
 * its name (a Dockerfile unless its name says compose or script); directories are walked,
 * honouring every `.gitignore` and `.dockerignore` on the way down (each applies to its own
 * directory and below, with gitignore syntax via the `ignore` library). `.git` is never
 * entered and symbolic links are not followed, so a link cannot lead the walk outside the
 * tree or round in a loop. A directory that cannot be read, or lies more than `MAX_DEPTH`
 * levels down, goes to `onProblem` and the walk goes on (without it, it is thrown): the
 * caller reports it, so nothing is skipped in silence.
 */
export function findFiles(paths: readonly string[], cwd: string, kinds: readonly FileKind[] = FILE_KINDS, onProblem?: (p: WalkProblem) => void): FoundFile[] {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  const add = (abs: string, kind: FileKind): void => {
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({ path: abs, display: displayPath(abs, cwd), kind });
  };
  const problem = (p: WalkProblem): void => {
    if (!onProblem) throw new MoatError('incomplete', p.message);
    onProblem(p);
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new MoatError('usage', `${p}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code}`);
    }
    if (st.isDirectory()) walk(abs, [], 0, { kinds, add, problem, cwd, root: p });
    else if (st.isFile()) add(abs, kindOf(basename(abs), kinds) ?? dockerfileKind);
    else throw new MoatError('usage', `${p}: not a file or directory`);
  }
  return out;
}

interface WalkContext {
  kinds: readonly FileKind[];
  add: (abs: string, kind: FileKind) => void;
  problem: (p: WalkProblem) => void;
  cwd: string;
  /** The path as given on the command line, for messages. */
  root: string;
}

function walk(dir: string, layers: Layer[], depth: number, ctx: WalkContext): void {
  const display = displayPath(dir, ctx.cwd);
  if (depth > MAX_DEPTH) {
    ctx.problem({ file: display, message: `${display}: directory more than ${MAX_DEPTH} levels below ${ctx.root}: not walked (name it on the command line to lint what is inside)` });
    return;
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    ctx.problem({ file: display, message: `${display}: cannot read directory (${(e as NodeJS.ErrnoException).code}): fix its permissions or leave it out of the paths` });
    return;
  }
  const here = [...layers];
  for (const name of ['.gitignore', '.dockerignore']) {
    if (!entries.some((e) => e.name === name && e.isFile())) continue;
    const ig = ignoreFactory().add(readFileSync(join(dir, name), 'utf8'));
    here.push({ base: dir, ig });
  }
  const ignored = (abs: string, isDir: boolean): boolean =>
    here.some((l) => {
      const rel = relative(l.base, abs).split(sep).join('/');
      return rel !== '' && l.ig.ignores(isDir ? `${rel}/` : rel);
    });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const abs = join(dir, e.name);
    if (e.isSymbolicLink()) continue;
    if (e.isDirectory()) {
      if (e.name === '.git' || ignored(abs, true)) continue;
      walk(abs, here, depth + 1, ctx);
    } else if (e.isFile()) {
      const kind = kindOf(e.name, ctx.kinds);
      if (kind && !ignored(abs, false)) ctx.add(abs, kind);
    }
  }
}

export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel.split(sep).join('/') : abs;
}

/**
 * A file's bytes, refusing before reading one larger than `limit` (a linted file is
 * small; a huge one is a mistake or hostile) and turning I/O errors into located errors.
 */
export function readInput(path: string, display: string, limit: number): Uint8Array {
  let fd: number | undefined;
  try {
    // The size from the open file, not its path: one lookup of the path per file rather than two.
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size > limit) {
      throw new MoatError('incomplete', `${display}: ${(size / 1048576).toFixed(1)} MiB is over the ${limit / 1048576} MiB limit for a file to lint: is it really one? (leave it out with .dockerignore, or name the file to lint)`);
    }
    // The size just read is the read's: one call for the bytes (a file reporting 0, such as a
    // pipe or a proc file, is read to its end).
    if (size === 0) return readFileSync(fd);
    const bytes = Buffer.allocUnsafe(size);
    let got = 0;
    for (let n = -1; n !== 0 && got < size; got += n) n = readSync(fd, bytes, got, size - got, got);
    return got === size ? bytes : bytes.subarray(0, got);
  } catch (e) {
    if (e instanceof MoatError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new MoatError('incomplete', `${display}: cannot read (${code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'removed while linting' : (code ?? (e as Error).message)})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
