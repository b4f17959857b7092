import { constants, createReadStream, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Analyzer } from '../../analyzers/analyzer.ts';
import type { InventoryProblem } from '../../../models/inventory.ts';
import { MoatError } from '../../../util/errors.ts';
import type { TempSpace } from '../../../util/temp-space.ts';
import { joinPath } from '../files/paths.ts';
import { FileTree, type FileType, type Inode } from '../files/tree.ts';
import { keepWanted, MAX_ENTRIES } from '../layer/read-layer.ts';

export interface RootfsRead {
  files: FileTree;
  problems: InventoryProblem[];
}

/**
 * A root file system directory (a debootstrap or an unpacked image), read into the same
 * file tree an image gives, so analyzers cannot tell the difference. Symlinks are never
 * followed on the host: they are recorded and resolved inside the tree, so an absolute
 * link resolves under DIR, not on the host. Wanted files are opened with O_NOFOLLOW and
 * checked to be the file that was walked (a directory changing under Moat fails loudly).
 * Like `find -xdev`, the walk stays on DIR's file system (no /proc, no bind mounts).
 */
export async function readRootfs(dir: string, options: { analyzers: readonly Analyzer[]; temp: TempSpace; signal?: AbortSignal }): Promise<RootfsRead> {
  let top: Stats;
  try {
    top = await lstat(dir);
  } catch (e) {
    throw new MoatError('usage', `--rootfs ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
  }
  if (!top.isDirectory()) throw new MoatError('usage', `--rootfs ${dir} is not a directory`);
  const files = new FileTree();
  const problems: InventoryProblem[] = [];
  let entries = 0;
  const pending: string[] = [''];
  while (pending.length > 0) {
    if (options.signal?.aborted) throw options.signal.reason;
    const rel = pending.pop() as string;
    let names: string[];
    try {
      names = (await readdir(join(dir, rel))).sort();
    } catch (e) {
      problems.push({ analyzer: 'image', path: rel, message: `cannot list /${rel}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    for (const name of names) {
      const path = joinPath(rel, name);
      const abs = join(dir, path);
      if (++entries > MAX_ENTRIES) throw new MoatError('incomplete', `--rootfs ${dir} has more than ${MAX_ENTRIES} entries; Moat refuses it rather than report part of it`);
      let st: Stats;
      try {
        st = await lstat(abs);
      } catch (e) {
        problems.push({ analyzer: 'image', path, message: `cannot stat /${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
        continue;
      }
      const type = fileType(st);
      if (!type) continue; // sockets: not part of a file system image
      if (type === 'dir' && st.dev !== top.dev) {
        problems.push({ analyzer: 'image', path, message: `/${path} is another file system mounted inside --rootfs; it was not read` });
        continue;
      }
      const inode: Inode = { type, size: type === 'file' ? st.size : 0, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, layer: -1, contentState: 'not-kept' };
      if (type === 'symlink') inode.linkname = await readlink(abs);
      files.put(path, inode);
      if (type === 'dir') pending.push(path);
      else if (type === 'file') await readWanted(abs, path, st, inode, problems, options);
    }
  }
  return { files, problems };
}

async function readWanted(abs: string, path: string, st: Stats, inode: Inode, problems: InventoryProblem[], options: { analyzers: readonly Analyzer[]; temp: TempSpace }): Promise<void> {
  const header = { path, type: 'file' as const, size: inode.size, mode: inode.mode, uid: inode.uid, gid: inode.gid };
  if (!options.analyzers.some((a) => a.want(header) !== undefined)) return;
  let handle;
  try {
    handle = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    problems.push({ analyzer: 'image', path, message: `cannot open /${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return;
  }
  try {
    const now = await handle.stat();
    if (now.ino !== st.ino || now.dev !== st.dev) {
      throw new MoatError('incomplete', `--rootfs: /${path} changed while Moat read it; scan a directory nothing else is writing to`);
    }
    const stream = createReadStream('', { fd: handle.fd, autoClose: false, start: 0, end: Math.max(0, now.size - 1) });
    await keepWanted(now.size === 0 ? emptyBytes() : (stream as AsyncIterable<Buffer>), header, inode, problems, options);
  } finally {
    await handle.close();
  }
}

async function* emptyBytes(): AsyncGenerator<Buffer> {
  /* a zero-length file */
}

function fileType(st: Stats): FileType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return undefined;
}
