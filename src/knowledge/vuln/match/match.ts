/**
 * Matches an inventory against the vulnerability database: each package is reduced to
 * its OSV key (ecosystem, normalised name, version: see ecosystems.ts), the advisories
 * naming it are evaluated, and advisories about the same vulnerability (aliases; a
 * record whose single `upstream` is a CVE) become one finding listing every id.
 */
import type { Finding, Severity } from '../../../models/finding.ts';
import { severityRank } from '../../../models/finding.ts';
import type { Inventory, Package } from '../../../models/inventory.ts';
import type { Candidate, PackageName, VulnDatabase } from '../db/vuln-database.ts';
import { matchKey, type KeyResult, type MatchKey } from '../ecosystems.ts';
import { evaluate } from './evaluate.ts';
import { describeHits, findingFor, type Hit, type Vulnerability } from './vulnerability-finding.ts';
import { codePointOrder } from '../../../util/compare.ts';

export interface MatchOptions {
  /** Leave out vulnerabilities that have no fixed version yet. */
  ignoreUnfixed?: boolean;
  /** Report only findings of these severities (`--severity critical,high`). */
  severities?: readonly Severity[];
}

export interface MatchResult {
  findings: Finding[];
  /** Packages looked up in the database. */
  packagesMatched: number;
  /** Packages that could not be looked up, with the reason (no OSV ecosystem for them, an invalid version). */
  notMatched: Array<{ package: string; reason: string }>;
  /** Findings left out by `ignoreUnfixed` and `severities`. */
  hidden: { unfixed: number; bySeverity: number };
}

/** What one package name at one version came to: why it cannot be matched, or the entries that cover it. */
interface Evaluation {
  version: string;
  invalid?: string;
  matched: Array<{ c: Candidate; fixed?: string }>;
  /** `matched` grouped per vulnerability, made once for every package sharing the name and version. */
  vulnerabilities?: Vulnerability[];
}

/**
 * Every distinct package name is looked up at once (db.eachCandidate), each distinct
 * (name, version) is evaluated once, as its candidates stream past (the binary packages
 * of one Debian source share one), and only the advisories that matched are read, in
 * one more query.
 */
export function matchInventory(db: VulnDatabase, inventory: Inventory, options: MatchOptions = {}): MatchResult {
  const result: MatchResult = { findings: [], packagesMatched: 0, notMatched: [], hidden: { unfixed: 0, bySeverity: 0 } };
  const keyed = inventory.packages.map((pkg) => matchKey(pkg, inventory.os));
  const nameIndex = new Map<string, number>();
  const names: PackageName[] = [];
  // Per name, its versions in the inventory: nearly always one, so a list, not a Map.
  const byName: Evaluation[][] = [];
  const evaluations = keyed.map((k): Evaluation | undefined => {
    if ('skip' in k) return undefined;
    const id = `${k.key.ecosystem}\u0000${k.key.name}`;
    let index = nameIndex.get(id);
    if (index === undefined) {
      index = names.length;
      nameIndex.set(id, index);
      names.push({ ecosystem: k.key.ecosystem, name: k.key.name });
      byName.push([]);
    }
    const versions = byName[index] as Evaluation[];
    let e = versions.find((x) => x.version === k.key.version);
    if (e === undefined) {
      e = { version: k.key.version, matched: [] };
      versions.push(e);
    }
    return e;
  });

  const advisories: number[] = [];
  db.eachCandidate(names, (index, c) => {
    for (const e of byName[index] as Evaluation[]) {
      // The first entry whose scheme cannot read the version decides: the package is not matched.
      if (e.invalid !== undefined) continue;
      const verdict = evaluate(c.ecosystem, e.version, c);
      if ('invalid' in verdict) e.invalid = verdict.invalid;
      else if (verdict.affected) {
        e.matched.push(verdict.fixed !== undefined ? { c, fixed: verdict.fixed } : { c });
        advisories.push(c.advisory);
      }
    }
  });
  db.loadAdvisories(advisories);

  const seen = new Set<string>();
  inventory.packages.forEach((pkg, i) => {
    const k = keyed[i] as KeyResult;
    if ('skip' in k) {
      result.notMatched.push({ package: label(pkg), reason: k.skip });
      return;
    }
    const key = k.key;
    result.packagesMatched++;
    const e = evaluations[i] as Evaluation;
    if (e.invalid !== undefined) {
      result.notMatched.push({ package: label(pkg), reason: e.invalid });
      return;
    }
    e.vulnerabilities ??= groupHits(
      e.matched.map(({ c, fixed }): Hit => {
        const advisory = db.advisory(c.advisory);
        const own = c.severity();
        const hit: Hit = { advisory, ecosystem: c.ecosystem, severity: own.length === 0 ? advisory.severity : advisory.severity.concat(own) };
        if (fixed !== undefined) hit.fixed = fixed;
        return hit;
      }),
    ).map(describeHits);
    for (const vulnerability of e.vulnerabilities) {
      const finding = findingFor(pkg, key, vulnerability);
      // The same package found twice (two copies of one jar) is reported where each copy is.
      const dedupe = `${finding.vulnerability?.id}\u0000${pkg.purl}\u0000${pkg.foundIn}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      if (options.ignoreUnfixed && finding.vulnerability?.fixedVersion === undefined) {
        result.hidden.unfixed++;
        continue;
      }
      if (options.severities !== undefined && !options.severities.includes(finding.severity)) {
        result.hidden.bySeverity++;
        continue;
      }
      result.findings.push(finding);
    }
  });
  result.findings.sort(compareFindings);
  return result;
}

function label(pkg: Package): string {
  return `${pkg.name}@${pkg.version} (${pkg.foundIn})`;
}

/**
 * Advisories about one vulnerability, together. Aliases are the same vulnerability by
 * the OSV schema's definition; `upstream` with a single id (DEBIAN-CVE-x, a DSA for one
 * CVE) joins that id. A record with several upstream ids (a DSA fixing three CVEs) is
 * listed in each of their findings that exists, and stands alone otherwise.
 */
export function groupHits(hits: readonly Hit[]): Hit[][] {
  // One hit is one group whatever its ids say (the common case, spared the bookkeeping).
  if (hits.length <= 1) return hits.length === 0 ? [] : [[hits[0] as Hit]];
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  const multi: Hit[] = [];
  for (const h of hits) {
    const a = h.advisory;
    if (!parent.has(a.id)) parent.set(a.id, a.id);
    for (const alias of a.aliases) union(a.id, alias);
    if (a.upstream.length === 1) union(a.id, a.upstream[0] as string);
    else if (a.upstream.length > 1) multi.push(h);
  }
  const groups = new Map<string, Hit[]>();
  for (const h of hits) {
    if (h.advisory.upstream.length > 1) continue;
    const root = find(h.advisory.id);
    const g = groups.get(root);
    if (g === undefined) groups.set(root, [h]);
    else g.push(h);
  }
  for (const h of multi) {
    const roots = new Set(h.advisory.upstream.filter((u) => parent.has(u)).map(find));
    const joined = [...roots].filter((r) => groups.has(r));
    if (joined.length === 0) groups.set(h.advisory.id, [h]);
    for (const r of joined) groups.get(r)?.push(h);
  }
  return [...groups.values()];
}

/** Most severe first, then by package and id; code-point order (localeCompare cost more than the matching). */
function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || codePointOrder(a.subject.id, b.subject.id) || codePointOrder(a.vulnerability?.id ?? '', b.vulnerability?.id ?? '');
}

export type { MatchKey };
