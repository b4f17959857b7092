/**
 * Bind sources are judged as the daemon's host will open them: a request naming
 * `/tmp/x` where `/tmp/x -> /var/run/docker.sock` mounts the engine socket. The plugin runs
 * on that host, so it resolves each component itself (lstat, readlink) rather than with
 * realpath: a path whose tail does not exist yet (dockerd creates missing `-v` sources) still
 * resolves through the links before it, and a dangling link resolves to where it points.
 * `..` is taken as the kernel takes it (after the link before it is followed); callers that
 * cannot know whether a path is cleaned before it reaches the kernel judge both readings
 * (`hostPathReadings`). Lookups on local file systems are synchronous (local-lookup.ts).
 */
import { lstatHere, readlinkHere } from './local-lookup.ts';
import { posix } from 'node:path';

/** The kernel's own bound on links followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

export class HostPathError extends Error {
  override name = 'HostPathError';
}

/** `root` lets tests (and a containerised plugin) read the host under another directory. */
export async function resolveHostPath(path: string, root = '/'): Promise<string> {
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
      const st = await lstatHere(posix.join(root, here));
      // What does not exist is judged as written (dockerd would create it, or fail).
      if (st === undefined) return `/${[...done, part, ...pending].join('/')}`;
      isLink = st.isSymbolicLink();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return `/${[...done, part, ...pending].join('/')}`;
      throw new HostPathError(`cannot read ${here} on this host (${code ?? (e as Error).message})`);
    }
    if (!isLink) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new HostPathError(`${path}: more than ${MAX_LINKS} symbolic links (a loop?)`);
    const to = await readlinkHere(posix.join(root, here));
    if (to.startsWith('/')) done.length = 0;
    pending.unshift(...to.split('/').filter((c) => c !== ''));
  }
  return `/${done.join('/')}`;
}

/** Every path the host may open for `path`: the kernel's reading, and that of the lexically cleaned path (Go's filepath.Clean). */
export async function hostPathReadings(path: string, root = '/'): Promise<string[]> {
  const key = `${root}\u0000${path}`;
  const known = recent.get(key);
  if (known) return known;
  const kernel = await resolveHostPath(path, root);
  const cleaned = posix.normalize(path);
  const lexical = cleaned === path ? kernel : await resolveHostPath(cleaned, root);
  const readings = kernel === lexical ? [kernel] : [kernel, lexical];
  remember(key, readings);
  return [...readings];
}

/**
 * Readings made in this turn of the event loop. One decision reads a bind source twice (its
 * resolved mounts, then the sockets they reach) in the same turn: the second read is the first's
 * answer, so the decision sees one state of the host and makes half the lookups. Forgotten at the
 * next turn, so no later decision sees a stale reading.
 */
const recent = new Map<string, string[]>();
function remember(key: string, readings: string[]): void {
  if (recent.size === 0) setImmediate(() => recent.clear());
  recent.set(key, readings);
}
