import { closeSync, constants, fchmodSync, fchownSync, fstatSync, lstatSync, openSync, realpathSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MoatError } from '../util/errors.ts';

/**
 * The one writer behind every `--output FILE` (audit, lint, scan, sbom, harden's
 * `--output-dir` files). What is at FILE decides how it is written:
 *
 * - nothing yet, or a regular file: a temporary file beside it, renamed over it, so a reader
 *   (a CI upload step, a dashboard) never sees half a report and an earlier report survives a
 *   failed run. An existing file keeps its mode and owner. When its owner cannot be kept
 *   (not root, someone else's file) or it has other hard links, it is rewritten in place
 *   instead: a rename would hand it to us or split it from its other names.
 * - a symbolic link: followed. A link to a regular file replaces the target, never the link
 *   (`report.json -> reports/today.json` keeps pointing where it did); a link to a device or
 *   a FIFO writes into that; a dangling link is refused (`moat ... --output` as root must not
 *   create a file wherever a planted link points).
 * - a character device or a FIFO (`/dev/null`, `/dev/tty`, `mkfifo`): written in place, never
 *   replaced. `moat audit --output /dev/null` as root once replaced /dev/null with a file.
 * - `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`: the descriptor Moat already has, so
 *   `--output /dev/stdout >> log` appends as the shell set it up.
 * - a directory, a block device or a socket: refused with exit 2.
 */
export function writeOutput(path: string, text: string, what = '--output'): void {
  const fail = (why: string, kind: 'usage' | 'incomplete' = 'usage'): never => {
    throw new MoatError(kind, `cannot write ${what} ${path}: ${why}`);
  };
  const fd = inheritedDescriptor(path);
  if (fd !== undefined) return writeAll(fd, text, fail);

  let target = path;
  let st = lstatOrUndefined(path, fail);
  if (st?.isSymbolicLink()) {
    try {
      target = realpathSync(path);
    } catch (e) {
      return fail(`it is a symbolic link to a path that does not exist (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); remove the link or give another file`);
    }
    st = lstatOrUndefined(target, fail);
  }
  if (st === undefined) return replaceAtomically(target, text, undefined, fail);
  if (st.isDirectory()) return fail('it is a directory; give a file name (for example ' + join(path, 'report.json') + ')');
  if (st.isFile()) {
    if (st.nlink > 1 || !canKeepOwner(st)) return writeInPlace(target, text, true, fail);
    return replaceAtomically(target, text, st, fail);
  }
  if (st.isCharacterDevice() || st.isFIFO()) return writeInPlace(target, text, false, fail);
  return fail(`it is a ${st.isBlockDevice() ? 'block device' : 'socket'}; give a regular file, a FIFO or a character device`);
}

/** `/dev/stdout` and friends name a descriptor this process already holds. */
function inheritedDescriptor(path: string): number | undefined {
  const m = /^\/(?:dev|proc\/self)\/fd\/(\d+)$/.exec(path) ?? /^\/dev\/(stdout|stderr)$/.exec(path);
  if (!m) return undefined;
  if (m[1] === 'stdout') return 1;
  if (m[1] === 'stderr') return 2;
  return Number(m[1]);
}

function lstatOrUndefined(path: string, fail: (why: string) => never): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return fail(code ?? (e as Error).message);
  }
}

/** Root may give a file to anyone; anyone else keeps the owner only of a file that is theirs. */
function canKeepOwner(st: Stats): boolean {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || uid === 0) return true;
  return st.uid === uid && (st.gid === gid || (process.getgroups?.() ?? []).includes(st.gid));
}

function replaceAtomically(path: string, text: string, existing: Stats | undefined, fail: (why: string, kind?: 'usage' | 'incomplete') => never): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    // O_EXCL: a file or link planted at the temporary name is never written through.
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    if (existing) {
      fchownSync(fd, existing.uid, existing.gid);
      fchmodSync(fd, existing.mode & 0o7777);
    }
    writeAll(fd, text, fail);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing was written */
    }
    if (e instanceof MoatError) throw e;
    fail((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
}

function writeInPlace(path: string, text: string, truncate: boolean, fail: (why: string) => never): void {
  let fd: number;
  try {
    // No O_CREAT: what was checked above must still be there; a FIFO waits here for its reader, as with `>`.
    fd = openSync(path, constants.O_WRONLY | constants.O_NOCTTY | (truncate ? constants.O_TRUNC : 0));
  } catch (e) {
    return fail((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  try {
    const st = fstatSync(fd);
    if (!(st.isFile() || st.isCharacterDevice() || st.isFIFO())) fail('it changed while Moat was writing it');
    writeAll(fd, text, fail);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, text: string, fail: (why: string, kind?: 'usage' | 'incomplete') => never): void {
  const bytes = Buffer.from(text);
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') return writeAllBlocking(fd, bytes, at, fail);
    fail(`${code ?? (e as Error).message} after ${at} of ${bytes.length} bytes`, 'incomplete');
  }
}

/** A non-blocking descriptor (an inherited pipe) answers EAGAIN when full: wait for room rather than give up. */
function writeAllBlocking(fd: number, bytes: Buffer, from: number, fail: (why: string, kind?: 'usage' | 'incomplete') => never): void {
  let at = from;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN') fail(`${code ?? (e as Error).message} after ${at} of ${bytes.length} bytes`, 'incomplete');
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

