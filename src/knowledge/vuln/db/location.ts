/**
 * Where the vulnerability database lives: `--db FILE`, else `MOAT_DB`, else
 * `$XDG_CACHE_HOME/moat/osv.sqlite`, else `~/.cache/moat/osv.sqlite`. A cache
 * directory, because the file can always be rebuilt with `moat db update`.
 */
import { homedir } from 'node:os';
import path from 'node:path';

export function resolveDbPath(env: NodeJS.ProcessEnv, flag?: string, cwd = process.cwd()): string {
  if (flag !== undefined && flag !== '') return path.resolve(cwd, flag);
  const fromEnv = env['MOAT_DB'];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(cwd, fromEnv);
  const xdg = env['XDG_CACHE_HOME'];
  const cache = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(env['HOME'] || homedir(), '.cache');
  return path.join(cache, 'moat', 'osv.sqlite');
}
