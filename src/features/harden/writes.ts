/**
 * From what the copy wrote (`GET /containers/{id}/changes`) to a read-only root filesystem
 * with tmpfs mounts where it writes.
 */
import { posix } from 'node:path';
import type { Change } from '../../doors/engine/runs.ts';

/** Paths the engine itself manages in every container: writes there are not the workload's. */
const ENGINE_PATHS = ['/dev', '/proc', '/sys', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/.dockerenv', '/run/secrets'];

export interface WritePlan {
  /** Directories to mount tmpfs on, shallowest first. */
  tmpfs: Array<{
    path: string;
    /** It exists in the image: a tmpfs there hides the image's files in it (the verification run shows whether that matters). */
    hidesImageContent: boolean;
    /** What the workload wrote under it (a few examples). */
    examples: string[];
  }>;
  /** Set when a read-only root cannot be proposed (the workload writes at `/` itself). */
  blocker?: string;
}

const within = (path: string, dir: string): boolean => path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);

export function planWrites(changes: readonly Change[], mountTargets: readonly string[]): WritePlan {
  const skip = [...ENGINE_PATHS, ...mountTargets];
  const kinds = new Map(changes.map((c) => [c.path, c.kind]));
  const paths = [...kinds.keys()];
  // Leaves: changed paths with no changed path below them (the files and emptied or new directories written).
  // Found before leaving out engine paths, so /etc (changed only through /etc/hosts) does not look like a write of its own.
  const leaves = paths.filter((p) => !paths.some((q) => q !== p && within(q, p))).filter((p) => !skip.some((d) => within(p, d)));
  const dirs = new Map<string, string[]>();
  for (const leaf of leaves) {
    let top = leaf;
    // A new directory tree is covered by a tmpfs on the directory that holds its top.
    while (kinds.get(posix.dirname(top)) === 1 && posix.dirname(top) !== top) top = posix.dirname(top);
    const dir = posix.dirname(top);
    const list = dirs.get(dir) ?? [];
    list.push(leaf);
    dirs.set(dir, list);
  }
  if (dirs.has('/')) {
    return { tmpfs: [], blocker: `the workload writes at the top of the filesystem (${(dirs.get('/') ?? []).slice(0, 3).join(', ')}), where no tmpfs can go: move those files into a directory, or keep the root filesystem writable` };
  }
  const chosen = [...dirs.keys()].sort((a, b) => a.length - b.length || a.localeCompare(b));
  const tmpfs: WritePlan['tmpfs'] = [];
  for (const d of chosen) {
    const parent = tmpfs.find((t) => within(d, t.path));
    if (parent) {
      parent.examples.push(...(dirs.get(d) ?? []));
      continue;
    }
    // A directory the engine reports as modified existed in the image; an added one did not.
    tmpfs.push({ path: d, hidesImageContent: kinds.get(d) !== 1, examples: [...(dirs.get(d) ?? [])] });
  }
  for (const t of tmpfs) t.examples = t.examples.sort().slice(0, 5);
  return { tmpfs };
}
