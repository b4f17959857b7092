/** A guard against hostile JSON, checked before `JSON.parse` sees the text. */

/**
 * How deeply `text` nests arrays and objects, counting only brackets outside strings;
 * stops counting once past `cap`. Linear and allocation-free, so a hostile record of
 * a million `[` costs one pass and no stack.
 */
export function nestingDepth(text: string, cap: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max && (max = depth) > cap) return max;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}
