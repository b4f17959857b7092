import type { ImageFileRef } from '../../../../models/image-spec.ts';

/** `/usr/bin/passwd 4755 0:0 (layer 2)`: one line of a file list in a finding's evidence. */
export function describeRef(f: ImageFileRef): string {
  return `/${f.path} ${f.mode.toString(8).padStart(4, '0')} ${f.uid}:${f.gid}${f.layer ? ` (layer ${f.layer.index + 1})` : ''}`;
}

/** At most `n` paths, then how many more: finding messages stay one line. */
export function listPaths(paths: readonly string[], n = 5): string {
  return paths.slice(0, n).map((p) => `/${p}`).join(', ') + (paths.length > n ? `, ... (${paths.length} in all)` : '');
}

/** Evidence listing entries one per line, at most `n`, then how many more. */
export function refLines(refs: readonly ImageFileRef[], n = 50): string {
  return refs.slice(0, n).map(describeRef).join('\n') + (refs.length > n ? `\n... and ${refs.length - n} more` : '');
}
