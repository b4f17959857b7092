import type { Instruction, Word } from '../../../../models/dockerfile-spec.ts';

/** Sources of ADD/COPY: every argument but the last (the destination), quotes removed; the JSON form too. */
export function addSources(i: Instruction): Word[] {
  const words = (i.json ?? i.args).map((w) => ({ ...w, value: w.value.replace(/^(["'])(.*)\1$/, '$2') }));
  if (i.heredocs.length) return words.filter((w) => !w.value.startsWith('<<')).slice(0, -1);
  return words.slice(0, -1);
}

export function destination(i: Instruction): Word | undefined {
  const words = i.json ?? i.args;
  const last = words.at(-1);
  return last ? { ...last, value: last.value.replace(/^(["'])(.*)\1$/, '$2') } : undefined;
}

export function isUrl(s: string): boolean {
  return /^(https?|ftp):\/\//i.test(s) || /^git@/.test(s) || /\.git(#.*)?$/.test(s);
}

/** Archives ADD extracts (hadolint's list). */
export function isArchive(s: string): boolean {
  return /\.(tar|gz|tgz|bz2|tbz2?|xz|txz|zst|lz|lzma|tlz|z)$/i.test(s);
}
