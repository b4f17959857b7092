/**
 * The one published finding shape for a vulnerable package: rule `package-vulnerable`,
 * subject the package (its purl), located at the file that proved it, with the ids,
 * fix and severity in `vulnerability`.
 */
import type { Finding, VulnerabilityDetails } from '../../../models/finding.ts';
import type { Package } from '../../../models/inventory.ts';
import { schemeFor, type MatchKey } from '../ecosystems.ts';
import { rateFinding, type Rated } from './severity.ts';
import type { AdvisoryRow, StoredSeverity } from '../osv/normalize.ts';

/** One advisory that covers the package, with what it says about the fix. */
export interface Hit {
  advisory: AdvisoryRow;
  ecosystem: string;
  fixed?: string;
  severity: StoredSeverity[];
}


export const VULN_RULE_ID = 'package-vulnerable';
export const VULN_RULE_TITLE = 'Package with a known vulnerability';

const MAX_URLS = 5;
const SINGLE_SPACED = /^\S+(?: \S+)*$/;

/** CVE first (the id scanners and people share), then GHSA, then the rest by text. */
function idRank(id: string): number {
  return id.startsWith('CVE-') ? 0 : id.startsWith('GHSA-') ? 1 : 2;
}

function byRank(a: string, b: string): number {
  return idRank(a) - idRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** What one group of hits (one vulnerability) says, whichever package it is reported for. */
export interface Vulnerability {
  id: string;
  ids: string[];
  /** `ids` without `id`. */
  others: string[];
  ecosystem: string;
  fixedVersion?: string;
  rated: Rated;
  summary?: string;
  urls: string[];
}

/**
 * Small arrays and an insertion sort rather than Sets and `Array.prototype.sort`: a group
 * has a handful of ids and links, and a scan describes thousands of groups.
 */
export function describeHits(hits: readonly Hit[]): Vulnerability {
  const ids: string[] = [];
  const urls: string[] = [];
  let summary: string | undefined;
  let severities: readonly StoredSeverity[] = hits.length === 1 ? (hits[0] as Hit).severity : [];
  for (const h of hits) {
    const a = h.advisory;
    addNew(ids, a.id);
    for (const x of a.aliases) addNew(ids, x);
    if (a.upstream.length === 1) addNew(ids, a.upstream[0] as string);
    if (summary === undefined) summary = a.summary;
    for (const u of a.urls) if (urls.length < MAX_URLS) addNew(urls, u);
    if (hits.length > 1) severities = severities.concat(h.severity);
  }
  sortByRank(ids);
  const id = ids[0] as string;
  const ecosystem = (hits[0] as Hit).ecosystem;
  const v: Vulnerability = { id, ids, others: ids.slice(1), ecosystem, rated: rateFinding(severities), urls };
  const fixedVersion = highestFix(ecosystem, hits);
  if (fixedVersion !== undefined) v.fixedVersion = fixedVersion;
  if (summary !== undefined) v.summary = summary;
  return v;
}

function addNew(list: string[], x: string): void {
  if (!list.includes(x)) list.push(x);
}

function sortByRank(ids: string[]): void {
  for (let i = 1; i < ids.length; i++) {
    const x = ids[i] as string;
    let j = i - 1;
    for (; j >= 0 && byRank(ids[j] as string, x) > 0; j--) ids[j + 1] = ids[j] as string;
    ids[j + 1] = x;
  }
}

/**
 * The finding for one package. Optional fields are assigned in the published key order;
 * arrays are copied, since one `Vulnerability` serves every package sharing a source.
 */
export function findingFor(pkg: Package, key: MatchKey, v: Vulnerability): Finding {
  const { id, others, ecosystem, fixedVersion, rated, summary, urls } = v;
  const affected: VulnerabilityDetails['package'] = { type: pkg.type, name: pkg.name, version: pkg.version };
  if (pkg.source !== undefined) affected.source = pkg.source;
  const vulnerability: VulnerabilityDetails = {
    id,
    ids: v.ids.slice(),
    ecosystem,
    package: affected,
    matchedAs: { name: key.name, version: key.version },
    status: fixedVersion === undefined ? 'unfixed' : 'fixed',
  } as VulnerabilityDetails;
  if (fixedVersion !== undefined) vulnerability.fixedVersion = fixedVersion;
  vulnerability.severitySource = rated.basis;
  if (rated.cvss !== undefined) vulnerability.cvss = rated.cvss;
  if (summary !== undefined) vulnerability.summary = summary;
  vulnerability.foundIn = pkg.foundIn;
  if (pkg.layer !== undefined) vulnerability.layer = pkg.layer;
  const what = `${pkg.name} ${pkg.version}${key.via !== undefined ? ` (${key.via})` : ''}`;
  const fix = fixedVersion === undefined ? 'no fixed version is published yet' : `fixed in ${fixedVersion}`;
  return {
    ruleId: VULN_RULE_ID,
    severity: rated.severity,
    title: `${id} in ${key.name}`,
    message: `${what} is affected by ${id}${others.length > 0 ? ` (${others.join(', ')})` : ''}${summary !== undefined ? `: ${oneLine(summary)}` : ''}; ${fix}.`,
    subject: { kind: 'package', id: pkg.purl, name: `${pkg.name}@${pkg.version}` },
    location: { file: pkg.foundIn },
    evidence: `${what} matched ${ecosystem} ${key.name} ${key.version}`,
    remediation:
      fixedVersion === undefined
        ? `No fix is published for ${key.name} in ${ecosystem} yet: watch ${id}, or remove or replace the package where it is not needed.`
        : `Upgrade ${key.name} to ${fixedVersion} or later (${ecosystem}); for an image, rebuild it on an updated base or package set.`,
    references: urls.length > 0 ? { urls: urls.slice() } : {},
    vulnerability,
  };
}

function oneLine(text: string): string {
  // Most summaries are one line already: testing is far cheaper than replacing.
  const line = SINGLE_SPACED.test(text) ? text : text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** The fix that resolves every advisory in the group: the highest version any of them names. */
function highestFix(ecosystem: string, hits: readonly Hit[]): string | undefined {
  const scheme = schemeFor(ecosystem, 'ECOSYSTEM') ?? schemeFor(ecosystem, 'SEMVER');
  let best: string | undefined;
  for (const h of hits) {
    if (h.fixed === undefined) continue;
    if (best === undefined) best = h.fixed;
    else if (scheme !== undefined && scheme.isValid(h.fixed) && scheme.isValid(best) && scheme.compare(h.fixed, best) > 0) best = h.fixed;
  }
  return best;
}
