/**
 * Error text is for a person at a terminal or a CI log: an error that names everything it
 * was given (200,000 image names, a 4 MB line quoted back) is unreadable and can fill a log.
 * Lists are cut to their first items and the rest counted; any text is cut by lines and by
 * characters, always saying how much was left out.
 */

/** Items an error lists before it counts the rest. */
export const MAX_LISTED = 10;
/** Characters one line of error text may hold. */
export const MAX_LINE_CHARS = 1000;
/** Lines one error may hold. */
export const MAX_LINES = 50;

/** `a, b, c … and 199,997 more`: the first `max` items, then how many were left out. */
export function listSome(items: readonly string[], max = MAX_LISTED, separator = ', '): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)} … and ${(items.length - max).toLocaleString('en-US')} more`;
}

/**
 * `text` with at most `maxLines` lines of at most `maxChars` characters each; a cut line
 * ends `… (N more characters)`, cut lines are counted on a last line `… and N more lines`.
 * Works in one pass over the text, so a huge message costs no more than reading it.
 */
export function capText(text: string, maxChars = MAX_LINE_CHARS, maxLines = MAX_LINES): string {
  if (text.length <= maxChars && !text.includes('\n')) return text;
  const out: string[] = [];
  let start = 0;
  let lines = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (lines < maxLines) {
      const len = end - start;
      out.push(len > maxChars ? `${text.slice(start, start + maxChars)}… (${(len - maxChars).toLocaleString('en-US')} more characters)` : text.slice(start, end));
    }
    lines++;
    if (end === text.length) break;
    start = end + 1;
  }
  if (lines > maxLines) out.push(`… and ${(lines - maxLines).toLocaleString('en-US')} more lines`);
  return out.join('\n');
}
