/**
 * Whether one affected entry covers an installed version, and the version that fixes it.
 */
import { schemeFor } from '../ecosystems.ts';
import { inOrderedEvents, inSortedVersions } from '../versioning/range.ts';
import type { StoredRange } from '../osv/normalize.ts';

export type RangeVerdict = { affected: false } | { affected: true; fixed?: string } | { invalid: string };

const NOT_AFFECTED: RangeVerdict = { affected: false };

export function evaluate(ecosystem: string, version: string, entry: { ranges: readonly StoredRange[]; versions(): readonly string[] | undefined }): RangeVerdict {
  let fixed: string | undefined;
  let affected = false;
  for (const range of entry.ranges) {
    const scheme = schemeFor(ecosystem, range.type);
    if (scheme === undefined) continue;
    if (!scheme.isValid(version)) return { invalid: `installed version ${JSON.stringify(version)} is not a valid ${scheme.name} version` };
    if (!inOrderedEvents(scheme, version, range)) continue;
    affected = true;
    // The fix is the lowest `fixed` above the installed version: events are in the
    // scheme's order, so the first one above it (ties keep the record's order).
    const { kinds, versions } = range;
    for (let i = kinds.indexOf('f'); i >= 0; i = kinds.indexOf('f', i + 1)) {
      const at = versions[i] as string;
      if (scheme.compare(at, version) <= 0) continue;
      if (fixed === undefined || scheme.compare(at, fixed) < 0) fixed = at;
      break;
    }
  }
  if (!affected) {
    const versions = entry.versions();
    const scheme = schemeFor(ecosystem, 'ECOSYSTEM');
    if (versions !== undefined && scheme !== undefined && inSortedVersions(scheme, version, versions)) affected = true;
  }
  if (!affected) return NOT_AFFECTED;
  return fixed === undefined ? { affected: true } : { affected: true, fixed };
}
