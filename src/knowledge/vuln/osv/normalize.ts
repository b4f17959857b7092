/**
 * One OSV record reduced to what matching needs: the advisory (ids, summary, scored
 * severities, links) and one row per affected package, with ranges whose every version
 * the ecosystem's scheme can order. What cannot be used is dropped with a reason, so
 * the import can count it, and matching never meets a version it cannot compare.
 */
import { scoreVector, type CvssScore } from '../cvss/index.ts';
import { normalizeName, schemeFor } from '../ecosystems.ts';
import { orderEvents, type OrderedEvents } from '../versioning/range.ts';
import type { OsvAffected, OsvRecord } from './schema.ts';

export interface StoredSeverity {
  /** `CVSS_V3` etc., or the database's own (`Ubuntu`, `GHSA`, `urgency`). */
  type: string;
  /** The CVSS vector or the label as written. */
  value: string;
  score?: number;
  cvss?: CvssScore['version'];
}

export interface StoredEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/**
 * A range as the database stores it: its events already ordered by the ecosystem's
 * scheme (`orderEvents`), so matching neither re-sorts nor re-reads them per package.
 */
export interface StoredRange extends OrderedEvents {
  type: 'ECOSYSTEM' | 'SEMVER';
}

export interface AdvisoryRow {
  id: string;
  modified: string;
  published?: string;
  summary?: string;
  aliases: string[];
  upstream: string[];
  severity: StoredSeverity[];
  urls: string[];
}

export interface AffectedRow {
  ecosystem: string;
  name: string;
  ranges: StoredRange[];
  versions?: string[];
  severity: StoredSeverity[];
}

export interface Normalized {
  advisory: AdvisoryRow;
  affected: AffectedRow[];
  /** Parts left out, each with its reason (`unknown range type "FOO"`). */
  dropped: string[];
}

const MAX_URLS = 10;
const KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

export function normalizeRecord(record: OsvRecord): Normalized {
  const dropped: string[] = [];
  const severity = scoreSeverities(record.severity ?? [], dropped);
  const label = labelOf((record.database_specific as { severity?: unknown } | undefined)?.severity);
  if (label !== undefined) severity.push({ type: 'database', value: label });

  const affected: AffectedRow[] = [];
  for (const entry of record.affected ?? []) {
    const row = normalizeAffected(entry, dropped);
    if (row !== undefined) affected.push(row);
  }
  const advisory: AdvisoryRow = {
    id: record.id,
    modified: record.modified,
    ...(record.published !== undefined ? { published: record.published } : {}),
    ...(record.summary !== undefined && record.summary !== '' ? { summary: record.summary.slice(0, 1000) } : {}),
    aliases: unique(record.aliases ?? []).filter((a) => a !== record.id),
    upstream: unique(record.upstream ?? []).filter((a) => a !== record.id),
    severity,
    urls: urlsOf(record),
  };
  return { advisory, affected, dropped };
}

function normalizeAffected(entry: OsvAffected, dropped: string[]): AffectedRow | undefined {
  const pkg = entry.package;
  // Entries without a package (git-only records) cannot match an inventory.
  if (pkg === undefined || pkg.ecosystem === '' || pkg.name === '') return undefined;
  const where = `${pkg.ecosystem}/${pkg.name}`;
  const ranges: StoredRange[] = [];
  for (const range of entry.ranges ?? []) {
    if (range.type === 'GIT') continue; // commit ranges: not comparable with installed versions
    if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') {
      dropped.push(`${where}: unknown range type ${JSON.stringify(range.type)}`);
      continue;
    }
    const scheme = schemeFor(pkg.ecosystem, range.type);
    if (scheme === undefined) {
      dropped.push(`${where}: no version scheme for ecosystem ${JSON.stringify(pkg.ecosystem)}`);
      continue;
    }
    const events: StoredEvent[] = [];
    let problem: string | undefined;
    for (const event of range.events) {
      const set = KINDS.filter((k) => event[k] !== undefined);
      if (set.length !== 1) {
        problem = `an event must carry exactly one of ${KINDS.join(', ')}`;
        break;
      }
      const kind = set[0] as (typeof KINDS)[number];
      const version = event[kind] as string;
      const open = (kind === 'introduced' && version === '0') || (kind === 'limit' && version === '*');
      if (!open && !scheme.isValid(version)) {
        problem = `invalid ${scheme.name} version ${JSON.stringify(version.slice(0, 80))} in "${kind}"`;
        break;
      }
      events.push({ [kind]: version });
    }
    if (problem === undefined && !events.some((e) => e.introduced !== undefined)) problem = 'a range without an "introduced" event affects nothing';
    if (problem !== undefined) {
      dropped.push(`${where}: ${range.type} range dropped: ${problem}`);
      continue;
    }
    // Every version was checked above: ordering them cannot fail.
    ranges.push({ type: range.type, ...orderEvents(scheme, events) });
  }
  const versions = entry.versions !== undefined && entry.versions.length > 0 ? sortedVersions(pkg.ecosystem, unique(entry.versions)) : undefined;
  if (ranges.length === 0 && versions === undefined) return undefined;

  const severity = scoreSeverities(entry.severity ?? [], dropped);
  for (const source of [entry.ecosystem_specific, entry.database_specific]) {
    const s = source as { urgency?: unknown; severity?: unknown } | undefined;
    const urgency = labelOf(s?.urgency);
    if (urgency !== undefined) severity.push({ type: 'urgency', value: urgency });
    const label = labelOf(s?.severity);
    if (label !== undefined) severity.push({ type: 'ecosystem', value: label });
  }
  return {
    ecosystem: pkg.ecosystem,
    name: normalizeName(pkg.ecosystem, pkg.name),
    ranges,
    ...(versions !== undefined ? { versions } : {}),
    severity,
  };
}

/**
 * A `versions` list as stored: the versions the ecosystem's scheme can order, sorted by
 * it (matching searches them by bisection), then the rest, which match only as text.
 */
export function sortedVersions(ecosystem: string, versions: readonly string[]): string[] {
  const scheme = schemeFor(ecosystem, 'ECOSYSTEM');
  if (scheme === undefined) return [...versions];
  const valid = versions.filter((x) => scheme.isValid(x)).sort((a, b) => scheme.compare(a, b));
  return [...valid, ...versions.filter((x) => !scheme.isValid(x))];
}

function scoreSeverities(list: readonly { type: string; score: string }[], dropped: string[]): StoredSeverity[] {
  const out: StoredSeverity[] = [];
  for (const s of list) {
    if (s.type === 'CVSS_V2' || s.type === 'CVSS_V3' || s.type === 'CVSS_V4') {
      try {
        const scored = scoreVector(s.score);
        out.push({ type: s.type, value: s.score, score: scored.baseScore, cvss: scored.version });
      } catch (e) {
        dropped.push(`severity dropped: ${(e as Error).message}`);
      }
    } else if (s.score !== '') {
      // `Ubuntu` (a priority word) and types OSV may add later: kept as labels.
      out.push({ type: s.type, value: s.score.slice(0, 64) });
    }
  }
  return out;
}

function labelOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= 64 ? value : undefined;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs.filter((x) => x !== ''))];
}

/** Advisory pages first, then the rest; http(s) only, at most MAX_URLS. */
function urlsOf(record: OsvRecord): string[] {
  const refs = record.references ?? [];
  const ordered = [...refs.filter((r) => r.type === 'ADVISORY'), ...refs.filter((r) => r.type !== 'ADVISORY')];
  const out: string[] = [];
  for (const r of ordered) {
    if (out.length >= MAX_URLS) break;
    if (!/^https?:\/\/[^\s]+$/.test(r.url) || r.url.length > 2048 || out.includes(r.url)) continue;
    try {
      new URL(r.url);
      out.push(r.url);
    } catch {
      /* not a URL: left out */
    }
  }
  return out;
}
