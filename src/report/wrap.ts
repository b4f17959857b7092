/**
 * Fitting table rows to a terminal. A row is a fixed-width prefix (severity, rule, CIS id:
 * short) and free text (message, places) that wraps under itself, so the columns stay
 * readable at any width. Widths count UTF-16 units, as the rest of the table does.
 */

/** Below this many columns for the text, it starts on its own line instead. */
const MIN_TEXT = 40;
/** Continuation indent when the prefix leaves too little room. */
const FALLBACK_INDENT = 6;

/**
 * `text` cut into lines of at most `width` characters, at spaces where it can be; a word
 * longer than a line (a path, a digest) is cut where the line ends.
 */
export function wrapText(text: string, width: number): string[] {
  if (width <= 0 || text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    if (line && line.length + 1 + w.length <= width) {
      line += ` ${w}`;
      continue;
    }
    if (line) lines.push(line.trimEnd());
    // A run of spaces that falls at a break is the break.
    if (w === '') {
      line = '';
      continue;
    }
    while (w.length > width) {
      lines.push(w.slice(0, width));
      w = w.slice(width);
    }
    line = w;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/**
 * One table row: `prefix` (already padded and maybe coloured; `prefixWidth` is what it
 * shows) then `text` wrapped to `width` under itself. Without a width the row is one line.
 */
export function wrapRow(prefix: string, prefixWidth: number, text: string, width: number | undefined): string[] {
  if (width === undefined || prefixWidth + text.length <= width) return [`${prefix}${text}`];
  const room = width - prefixWidth;
  if (room >= MIN_TEXT) {
    const [first = '', ...rest] = wrapText(text, room);
    return [`${prefix}${first}`, ...rest.map((l) => `${' '.repeat(prefixWidth)}${l}`)];
  }
  const indent = Math.min(FALLBACK_INDENT, Math.max(0, width - MIN_TEXT));
  return [prefix.trimEnd(), ...wrapText(text, width - indent).map((l) => `${' '.repeat(indent)}${l}`)];
}

/**
 * The width to wrap a table to: the terminal's columns when writing to one, else `COLUMNS`
 * when set (as shells export it; never under 40). Undefined (no wrapping) for a pipe or a
 * file without `COLUMNS`: a program or `grep` reading the table gets one line per row.
 */
export function tableWidth(stream: { isTTY?: boolean; columns?: number }, env: Readonly<Record<string, string | undefined>>): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  const cols = stream.isTTY && stream.columns ? stream.columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined;
  return cols === undefined ? undefined : Math.max(40, cols);
}
