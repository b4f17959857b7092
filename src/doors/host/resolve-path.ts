/**
 * Bind sources are judged as the daemon's host will open them: a request naming
 * `/tmp/x` where `/tmp/x -> /var/run/docker.sock` mounts the engine socket. The plugin runs
 * on that host, so it resolves each component itself (lstat, readlink) rather than with
 * realpath: a path whose tail does not exist yet (dockerd creates missing `-v` sources) still
 * resolves through the links before it, and a dangling link resolves to where it points.
 * `..` is taken as the kernel takes it (after the link before it is followed); callers that
 * cannot know whether a path is cleaned before it reaches the kernel judge both readings
 * (`hostPathReadings`).
 *
 * Synchronous on purpose: this runs inside enforce's decision for every bind, where a promise
 * lstat cost 80–140 µs of CPU per path (thread-pool hop, and an Error built for each ENOENT)
 * against 4–7 µs for lstatSync without throwing. A lookup that blocks on a hung network
 * filesystem would block dockerd's own create of that bind as well.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

/** The kernel's own bound on links followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

export class HostPathError extends Error {
  override name = 'HostPathError';
}

/** `root` lets tests (and a containerised plugin) read the host under another directory. */
export function resolveHostPath(path: string, root = '/'): string {
  if (!path.startsWith('/')) return path;
  const pending = path.split('/').filter((c) => c !== '');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const here = `/${[...done, part].join('/')}`;
    let isLink = false;
    try {
      const st = lstatSync(posix.join(root, here), { throwIfNoEntry: false });
      // What does not exist is judged as written (dockerd would create it, or fail).
      if (st === undefined) return `/${[...done, part, ...pending].join('/')}`;
      isLink = st.isSymbolicLink();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') return `/${[...done, part, ...pending].join('/')}`;
      throw new HostPathError(`cannot read ${here} on this host (${code ?? (e as Error).message})`);
    }
    if (!isLink) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new HostPathError(`${path}: more than ${MAX_LINKS} symbolic links (a loop?)`);
    let to: string;
    try {
      to = readlinkSync(posix.join(root, here));
    } catch (e) {
      throw new HostPathError(`cannot read the link ${here} on this host (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (to.startsWith('/')) done.length = 0;
    pending.unshift(...to.split('/').filter((c) => c !== ''));
  }
  return `/${done.join('/')}`;
}

/** Every path the host may open for `path`: the kernel's reading, and that of the lexically cleaned path (Go's filepath.Clean). */
export function hostPathReadings(path: string, root = '/'): string[] {
  const kernel = resolveHostPath(path, root);
  const cleaned = posix.normalize(path);
  const lexical = cleaned === path ? kernel : resolveHostPath(cleaned, root);
  return kernel === lexical ? [kernel] : [kernel, lexical];
}
