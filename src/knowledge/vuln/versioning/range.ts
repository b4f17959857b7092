/**
 * OSV range evaluation, independent of any one version scheme: the `IncludedInRanges`
 * and `BeforeLimits` functions of the OSV schema's "Evaluation" section
 * (https://ossf.github.io/osv-schema/#evaluation), for one range's `events`.
 */
import { invalidVersion, type VersionScheme } from './scheme.ts';

/** One entry of an OSV `affected[].ranges[].events` array: exactly one key is set. */
export interface OsvEvent {
  readonly introduced?: string;
  readonly fixed?: string;
  readonly last_affected?: string;
  readonly limit?: string;
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
const KINDS: readonly Kind[] = ['introduced', 'fixed', 'last_affected', 'limit'];

interface Step {
  readonly kind: Kind;
  readonly version: string;
}

/**
 * A range's events ordered by the scheme, as `inRange` evaluates them: `kinds` holds one
 * letter per event (`i` introduced, `f` fixed, `l` last_affected), `versions` the
 * event's version at the same index, and `limits` the `limit` events apart. The
 * vulnerability database stores ranges in this form (ordered once, at import), so that
 * matching walks them without sorting or allocating.
 */
export interface OrderedEvents {
  readonly kinds: string;
  readonly versions: readonly string[];
  readonly limits: readonly string[];
}

const LETTER: Readonly<Record<Exclude<Kind, 'limit'>, string>> = { introduced: 'i', fixed: 'f', last_affected: 'l' };

/**
 * Whether `version` falls inside the range described by `events`.
 *
 * Events are ordered by `scheme` before evaluation, as the schema requires, so the input
 * order does not matter except between events of equal version, where it is kept: the
 * array is a timeline, and `[introduced X, fixed X]` (an empty range) and
 * `[fixed X, introduced X]` (re-introduced in X) mean different things.
 *
 * @throws TypeError when `version` or an event's version is not valid in `scheme`, or an
 *   event does not carry exactly one of `introduced`, `fixed`, `last_affected`, `limit`.
 */
export function inRange(scheme: VersionScheme, version: string, events: readonly OsvEvent[]): boolean {
  // Checked up front so that a range that never calls compare (e.g. only `introduced: "0"`)
  // still refuses a version the scheme cannot order.
  if (!scheme.isValid(version)) throw invalidVersion(scheme.name, version);
  return inOrderedEvents(scheme, version, orderEvents(scheme, events));
}

/**
 * `events` ordered by `scheme` (a stable sort: events of equal version keep their
 * timeline order; `introduced: "0"` first).
 * @throws TypeError as `inRange` does for a malformed event or an invalid version.
 */
export function orderEvents(scheme: VersionScheme, events: readonly OsvEvent[]): OrderedEvents {
  const steps: Step[] = [];
  const limits: string[] = [];
  for (const event of events) {
    const step = stepOf(event);
    if (step.kind === 'limit') limits.push(step.version);
    else steps.push(step);
  }
  steps.sort((x, y) => orderSteps(scheme, x, y));
  return { kinds: steps.map((s) => LETTER[s.kind as Exclude<Kind, 'limit'>]).join(''), versions: steps.map((s) => s.version), limits };
}

/**
 * `inRange` over events `orderEvents` ordered. `version` must be valid in `scheme`
 * (the caller checks it once, not once per range).
 */
export function inOrderedEvents(scheme: VersionScheme, version: string, ordered: OrderedEvents): boolean {
  const { kinds, versions, limits } = ordered;
  if (limits.length > 0 && !limits.some((limit) => limit.includes('*') || scheme.compare(version, limit) < 0)) {
    return false;
  }
  let vulnerable = false;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds.charCodeAt(i);
    const at = versions[i] as string;
    if (kind === 105 /* i */) {
      if (at === '0' || scheme.compare(version, at) >= 0) vulnerable = true;
    } else if (kind === 102 /* f */) {
      if (scheme.compare(version, at) >= 0) vulnerable = false;
    } else if (scheme.compare(version, at) > 0) {
      vulnerable = false;
    }
  }
  return vulnerable;
}

function stepOf(event: OsvEvent): Step {
  let found: Step | undefined;
  for (const kind of KINDS) {
    const value: unknown = event[kind];
    if (value === undefined) continue;
    if (typeof value !== 'string' || found !== undefined) {
      throw new TypeError(`OSV event must carry exactly one of ${KINDS.join(', ')} as a string: ${JSON.stringify(event)}`);
    }
    found = { kind, version: value };
  }
  if (found === undefined) {
    throw new TypeError(`OSV event must carry exactly one of ${KINDS.join(', ')} as a string: ${JSON.stringify(event)}`);
  }
  return found;
}

/**
 * Whether `version` is one of an OSV `affected[].versions` list. Entries are compared
 * with `scheme`, so `0:1.0-1` matches a listed `1.0-1` under dpkg; an entry the scheme
 * cannot read matches only the identical text.
 */
export function inVersions(scheme: VersionScheme, version: string, versions: readonly string[]): boolean {
  const valid = scheme.isValid(version);
  for (const listed of versions) {
    if (listed === version) return true;
    if (valid && scheme.isValid(listed) && scheme.compare(version, listed) === 0) return true;
  }
  return false;
}

/**
 * `inVersions` over a list whose versions `scheme` can order come first, sorted by it,
 * and the rest after (as the database stores them): a bisection of the sorted part,
 * then a text comparison with the rest.
 */
export function inSortedVersions(scheme: VersionScheme, version: string, versions: readonly string[]): boolean {
  let end = versions.length;
  while (end > 0 && !scheme.isValid(versions[end - 1] as string)) {
    if (versions[end - 1] === version) return true;
    end--;
  }
  if (!scheme.isValid(version)) return versions.slice(0, end).includes(version);
  let lo = 0;
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = scheme.compare(versions[mid] as string, version);
    if (r === 0) return true;
    if (r < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** `introduced: "0"` is the schema's "before every version", whatever the scheme thinks of "0". */
function isBeginning(step: Step): boolean {
  return step.kind === 'introduced' && step.version === '0';
}

function orderSteps(scheme: VersionScheme, x: Step, y: Step): number {
  const xb = isBeginning(x);
  const yb = isBeginning(y);
  if (xb || yb) return xb === yb ? 0 : xb ? -1 : 1;
  return scheme.compare(x.version, y.version);
}
