/** Documented in the README; CI jobs gate on them, so they never change meaning. */
export const EXIT = {
  /** Nothing at or above --fail-on. */
  ok: 0,
  /** Something at or above --fail-on. */
  findings: 1,
  /** Bad flags, an unknown check id, a moat.yaml with errors. */
  usage: 2,
  /** Could not complete: engine unreachable or gone, daemon.json unreadable, a rule failed. */
  incomplete: 3,
} as const;
