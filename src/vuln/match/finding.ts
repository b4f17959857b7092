/**
 * The one published finding shape for a vulnerable package: rule `package-vulnerable`,
 * subject the package (its purl), located at the file that proved it, with the ids,
 * fix and severity in `vulnerability`.
 */
import type { Finding, VulnerabilityDetails } from '../../findings/finding.ts';
import type { Package } from '../../models/inventory.ts';
import { schemeFor, type MatchKey } from '../ecosystems.ts';
import type { Hit } from './match.ts';
import { rateFinding } from './severity.ts';

export const VULN_RULE_ID = 'package-vulnerable';
export const VULN_RULE_TITLE = 'Package with a known vulnerability';

const MAX_URLS = 5;

/** CVE first (the id scanners and people share), then GHSA, then the rest by text. */
function idRank(id: string): number {
  return id.startsWith('CVE-') ? 0 : id.startsWith('GHSA-') ? 1 : 2;
}

function byRank(a: string, b: string): number {
  return idRank(a) - idRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function vulnerabilityFinding(pkg: Package, key: MatchKey, hits: readonly Hit[]): Finding {
  const all = new Set<string>();
  for (const h of hits) {
    all.add(h.advisory.id);
    for (const a of h.advisory.aliases) all.add(a);
    if (h.advisory.upstream.length === 1) all.add(h.advisory.upstream[0] as string);
  }
  const sorted = [...all].sort(byRank);
  const id = sorted[0] as string;
  const ecosystem = (hits[0] as Hit).ecosystem;
  const fixedVersion = highestFix(ecosystem, hits);
  const rated = rateFinding(hits.flatMap((h) => h.severity));
  const summary = hits.map((h) => h.advisory.summary).find((s) => s !== undefined);
  const urls = [...new Set(hits.flatMap((h) => h.advisory.urls))].slice(0, MAX_URLS);
  const others = sorted.filter((x) => x !== id);

  const vulnerability: VulnerabilityDetails = {
    id,
    ids: [id, ...others],
    ecosystem,
    package: { type: pkg.type, name: pkg.name, version: pkg.version, ...(pkg.source !== undefined ? { source: pkg.source } : {}) },
    matchedAs: { name: key.name, version: key.version },
    status: fixedVersion === undefined ? 'unfixed' : 'fixed',
    ...(fixedVersion !== undefined ? { fixedVersion } : {}),
    severitySource: rated.basis,
    ...(rated.cvss !== undefined ? { cvss: rated.cvss } : {}),
    ...(summary !== undefined ? { summary } : {}),
    foundIn: pkg.foundIn,
    ...(pkg.layer !== undefined ? { layer: pkg.layer } : {}),
  };
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
    references: urls.length > 0 ? { urls } : {},
    vulnerability,
  };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
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
