/**
 * The contract every version scheme meets, so that vulnerability matching can treat
 * dpkg, apk, rpm, npm, PyPI, Maven and Go versions alike.
 */

export type Comparison = -1 | 0 | 1;

export interface VersionScheme {
  /** The registry key, e.g. `dpkg`. */
  readonly name: string;
  /** Whether `compare` accepts `version`. Never throws. */
  isValid(version: string): boolean;
  /**
   * Orders two versions as the scheme's reference tool does.
   * @throws TypeError naming the scheme and the version when either is not valid.
   */
  compare(a: string, b: string): Comparison;
}

/** The error every scheme throws for a version it cannot order. */
export function invalidVersion(scheme: string, version: string, reason?: string): TypeError {
  const why = reason === undefined ? '' : `: ${reason}`;
  return new TypeError(`${scheme}: invalid version ${JSON.stringify(version)}${why}`);
}

/** Clamps a C-style comparison result (any sign) to the contract's -1 | 0 | 1. */
export function sign(n: number): Comparison {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
