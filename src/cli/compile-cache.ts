import { lstatSync, mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * Where V8's compiled code for Moat's chunks is kept between runs (about 30 ms of every
 * command's CPU), or undefined for none. Only a directory of the user's own: Node's default,
 * under the shared temp directory, could be made first by another local user, and code cached
 * there would run as whoever runs Moat (often root). NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
export function compileCacheDir(env: NodeJS.ProcessEnv, uid = process.getuid?.()): string | undefined {
  if (env['NODE_DISABLE_COMPILE_CACHE']) return undefined;
  // As the vulnerability database's location reads them (a relative XDG_CACHE_HOME is ignored).
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg && isAbsolute(xdg) ? xdg : env['HOME'] && isAbsolute(env['HOME']) ? join(env['HOME'], '.cache') : undefined;
  if (!base) return undefined;
  const dir = join(base, 'moat', 'node-compile-cache');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Made by someone else, or writable by others: not trusted with code.
    for (const d of [join(base, 'moat'), dir]) {
      const st = lstatSync(d);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return undefined;
    }
    return dir;
  } catch {
    // A read-only or missing home: Moat runs without the cache.
    return undefined;
  }
}
