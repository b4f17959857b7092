/**
 * File facts read under a root prefix. Symbolic links are followed inside the root
 * (an absolute link such as /var/run -> /run must land in <root>/run, not in the
 * auditing container's own /run), and every failure stays on the fact it concerns.
 */
import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import type { FileFact } from '../../models/host-spec.ts';
import { lstatHere, readdirHere, readlinkHere, statFileHere } from './local-lookup.ts';

const MAX_LINKS = 40;

export interface Names {
  users: Map<number, string>;
  groups: Map<number, string>;
}

/** `<root><hostPath>` as a path on this machine. */
export function underRoot(root: string, hostPath: string): string {
  return root === '/' ? hostPath : posix.join(root, hostPath);
}

/**
 * The host path `hostPath` leads to once every link is followed inside `root`
 * (all components, or all but the last). Components that do not exist are kept as
 * they are, so the caller's stat reports ENOENT.
 */
export async function resolveUnder(root: string, hostPath: string, followLast: boolean): Promise<string> {
  let rest = split(hostPath);
  let resolved = '/';
  let links = 0;
  while (rest.length > 0) {
    const [name, ...tail] = rest as [string, ...string[]];
    rest = tail;
    if (name === '.') continue;
    if (name === '..') {
      resolved = posix.dirname(resolved);
      continue;
    }
    const next = posix.join(resolved, name);
    if (rest.length === 0 && !followLast) return next;
    let st: Stats | undefined;
    try {
      st = await lstatHere(underRoot(root, next));
    } catch {
      st = undefined;
    }
    if (st === undefined) return posix.join(next, ...rest);
    if (!st.isSymbolicLink()) {
      resolved = next;
      continue;
    }
    if (++links > MAX_LINKS) throw Object.assign(new Error(`too many levels of symbolic links at ${next}`), { code: 'ELOOP' });
    const target = await readlinkHere(underRoot(root, next));
    if (target.startsWith('/')) resolved = '/';
    rest = [...split(target), ...rest];
  }
  return resolved;
}

/**
 * Facts about one host path. A final symbolic link is followed, because the mode
 * and owner of a link say nothing; `exists` is false when the path cannot be found,
 * and `error` says why when it could not be examined at all.
 */
export async function fileFact(root: string, hostPath: string, names: Names): Promise<FileFact> {
  let st: Stats;
  try {
    const parent = await resolveUnder(root, hostPath, false);
    const own = await lstatHere(underRoot(root, parent));
    if (own === undefined) return { path: hostPath, exists: false };
    st = own;
    if (st.isSymbolicLink()) {
      const target = await resolveUnder(root, hostPath, true);
      let followed: Stats | undefined;
      try {
        followed = await statFileHere(underRoot(root, target));
      } catch (e) {
        return { path: hostPath, exists: true, type: 'symlink', error: `symbolic link to ${target}, which cannot be read (${codeOf(e)})` };
      }
      if (followed === undefined) return { path: hostPath, exists: true, type: 'symlink', error: `symbolic link to ${target}, which cannot be read (ENOENT)` };
      st = followed;
    }
  } catch (e) {
    const code = codeOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path: hostPath, exists: false };
    return { path: hostPath, exists: false, error: `cannot read ${hostPath}: ${code}` };
  }
  return {
    path: hostPath,
    exists: true,
    type: typeOf(st),
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    ...(names.users.has(st.uid) ? { user: names.users.get(st.uid) } : {}),
    ...(names.groups.has(st.gid) ? { group: names.groups.get(st.gid) } : {}),
  };
}

/** Entries of a host directory (after links), or [] when it cannot be listed. */
export async function listDir(root: string, hostPath: string): Promise<string[]> {
  try {
    const real = await resolveUnder(root, hostPath, true);
    return (await readdirHere(underRoot(root, real))).sort();
  } catch {
    return [];
  }
}

function typeOf(st: Stats): FileFact['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSocket()) return 'socket';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

function split(p: string): string[] {
  return p.split('/').filter((s) => s !== '');
}

export function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}
