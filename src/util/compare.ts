/**
 * Code-point order for sorting names and ids: deterministic on every machine, and free, where
 * the first `localeCompare` of a process builds ICU's collator (8 ms of `moat audit`'s CPU here).
 */
export function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
