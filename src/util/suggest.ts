/**
 * Edit distance with adjacent transpositions (optimal string alignment), so a swapped
 * pair such as `fial-on` counts as one slip, like a dropped or doubled letter.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate the user most likely meant, or undefined when none is close. Besides
 * typos it catches a rule id typed without its target prefix (`privileged` for
 * `container-privileged`), the slip people make most with long kebab-case ids.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  // Long inputs cost O(n·m) per candidate; nothing that long is a near miss of a key or id.
  if (w.length === 0 || w.length > 200) return undefined;
  const limit = Math.max(2, Math.floor(w.length / 4));
  let best: string | undefined;
  let bestDistance = Infinity;
  const suffixed: string[] = [];
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (lc === w) return c;
    // Only the target prefix missing (`container-` of `container-privileged`), not more (`container-exec-`).
    if (lc.endsWith(`-${w}`) && !lc.slice(0, -w.length - 1).includes('-')) suffixed.push(c);
    const dist = editDistance(w, lc);
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  // A distance as large as the word itself means nothing in common (`x` is 2 from `on`).
  if (best !== undefined && bestDistance <= limit && bestDistance < w.length) return best;
  return suffixed.length === 1 ? suffixed[0] : undefined;
}

/** ` (did you mean "X"?)`, or nothing: for appending to an error message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
}
