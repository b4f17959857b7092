/**
 * Whether the absolute path `p` is `dir` or lies under it, by its text (both already cleaned;
 * no link is followed). `/` holds every path. Compared in place, without building `${dir}/`:
 * the container rules ask it for every mount against every sensitive path, on each decision.
 */
export function within(p: string, dir: string): boolean {
  if (dir === '/' || p === dir) return true;
  return p.length > dir.length && p.charCodeAt(dir.length) === 0x2f && p.startsWith(dir);
}
