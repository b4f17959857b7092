import type { MountFact } from '../../models/host-spec.ts';

/**
 * Parses /proc/<pid>/mountinfo (proc(5)): `id parent major:minor root mountpoint
 * options [optional...] - fstype source superoptions`. Lines that do not have this
 * shape are skipped rather than guessed at.
 */
export function parseMountinfo(text: string): MountFact[] {
  const out: MountFact[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    const sep = f.indexOf('-', 6);
    if (sep < 0 || sep + 2 >= f.length) continue;
    const [, , device, root, mountPoint, options] = f;
    if (!device || !/^\d+:\d+$/.test(device) || !root || !mountPoint || options === undefined) continue;
    out.push({
      mountPoint: unescapeMountPath(mountPoint),
      root: unescapeMountPath(root),
      fsType: f[sep + 1] ?? '',
      source: unescapeMountPath(f[sep + 2] ?? ''),
      device,
      options: options.split(','),
    });
  }
  return out;
}

/** The kernel writes space, tab, newline and backslash in paths as three-digit octal escapes (`\040`). */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
