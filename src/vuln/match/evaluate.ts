/**
 * Whether one affected entry covers an installed version, and the version that fixes it.
 */
import { schemeFor } from '../ecosystems.ts';
import { inRange, inSortedVersions } from '../versioning/range.ts';
import type { StoredRange } from '../osv/normalize.ts';

export type Verdict = { affected: false } | { affected: true; fixed?: string } | { invalid: string };

export function evaluate(ecosystem: string, version: string, entry: { ranges: readonly StoredRange[]; versions(): readonly string[] | undefined }): Verdict {
  let fixed: string | undefined;
  let affected = false;
  for (const range of entry.ranges) {
    const scheme = schemeFor(ecosystem, range.type);
    if (scheme === undefined) continue;
    if (!scheme.isValid(version)) return { invalid: `installed version ${JSON.stringify(version)} is not a valid ${scheme.name} version` };
    if (!inRange(scheme, version, range.events)) continue;
    affected = true;
    // The fix is the first `fixed` above the installed version.
    for (const e of range.events) {
      if (e.fixed === undefined || scheme.compare(e.fixed, version) <= 0) continue;
      if (fixed === undefined || scheme.compare(e.fixed, fixed) < 0) fixed = e.fixed;
    }
  }
  if (!affected) {
    const versions = entry.versions();
    const scheme = schemeFor(ecosystem, 'ECOSYSTEM');
    if (versions !== undefined && scheme !== undefined && inSortedVersions(scheme, version, versions)) affected = true;
  }
  if (!affected) return { affected: false };
  return fixed === undefined ? { affected: true } : { affected: true, fixed };
}
