/**
 * Every version scheme, by name. The registry is explicit (a test checks it equals the
 * folder listing) so that a scheme is never silently missing from matching.
 */
import { apk } from './apk/index.ts';
import { dpkg } from './dpkg/index.ts';
import { go } from './go/index.ts';
import { maven } from './maven/index.ts';
import { pep440 } from './pep440/index.ts';
import { rpm } from './rpm/index.ts';
import { semver } from './semver/index.ts';
import type { VersionScheme } from './scheme.ts';

export { apk, dpkg, go, maven, pep440, rpm, semver };
export type { Comparison, VersionScheme } from './scheme.ts';

export const SCHEMES = { apk, dpkg, go, maven, pep440, rpm, semver } as const satisfies Record<string, VersionScheme>;
export type SchemeName = keyof typeof SCHEMES;

export function schemeByName(name: string): VersionScheme | undefined {
  return Object.hasOwn(SCHEMES, name) ? SCHEMES[name as SchemeName] : undefined;
}
