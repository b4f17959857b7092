/**
 * A vulnerability scan of an inventory as a Report: the findings of matching, VEX
 * suppressions applied, one check (`package-vulnerable`) summarising them, and the
 * warnings a person must see (stale data, packages that could not be matched).
 */
import { buildReport } from '../report/build.ts';
import { applyConfig } from '../config/apply.ts';
import type { MoatConfig } from '../config/load.ts';
import type { Finding } from '../findings/finding.ts';
import { checkResult } from '../findings/summary.ts';
import type { Inventory } from '../models/inventory.ts';
import type { Report, ReportWarning } from '../report/model.ts';
import type { ImageRule, RuleMeta } from '../rules/rule.ts';
import { staleWarning, type VulnDatabase } from './db/vuln-database.ts';
import { matchInventory, type MatchOptions, type MatchResult } from './match/match.ts';
import { VULN_RULE_ID, VULN_RULE_TITLE } from './match/finding.ts';
import { applyVex, type VexStatement } from './vex/openvex.ts';

export interface ScanOptions extends MatchOptions {
  /** What was scanned, for people: `sbom app.cdx.json`. */
  description: string;
  vex?: readonly VexStatement[];
  /** moat.yaml: its ignores (by rule, package or vulnerability id) and severity overrides apply. */
  config?: MoatConfig;
  /** Warn when the database's data is older than this (default 7). */
  maxDbAgeDays?: number;
  now?: Date;
}

export interface ScanResult {
  report: Report;
  match: MatchResult;
  /** Also in `report.warnings`: stale database, unmatched packages, inventory problems, moat.yaml ignores. */
  warnings: string[];
}

export const VULN_RULE_META: RuleMeta<'image'> = {
  id: VULN_RULE_ID,
  target: 'image',
  title: VULN_RULE_TITLE,
  check: 'Packages free of known vulnerabilities',
  severity: 'high',
  rationale: 'A package with a published vulnerability is the most common way into a container: advisories tell attackers where to look.',
  remediation: 'Upgrade each package to its fixed version (rebuild the image on an updated base), remove packages the image does not need, or record why it is not affected in a VEX document.',
};

/**
 * `package-vulnerable` as moat.yaml sees it (ignores and severity overrides name it).
 * It is not in the rule registry: its findings come from `matchInventory` against the
 * database, not from a pure function of a model, so `check` is never called.
 */
export const VULN_RULE: ImageRule = {
  meta: VULN_RULE_META,
  check: () => {
    throw new Error('package-vulnerable is evaluated by matchInventory against the vulnerability database');
  },
};

export function scanInventory(db: VulnDatabase, inventory: Inventory, options: ScanOptions): ScanResult {
  const started = options.now ?? new Date();
  const t0 = performance.now();
  const warnings: string[] = [];
  const stale = staleWarning(db.freshness(), options.maxDbAgeDays ?? 7, started);
  if (stale !== undefined) warnings.push(stale);

  const match = matchInventory(db, inventory, options);
  if (options.vex !== undefined && options.vex.length > 0) applyVex(match.findings, options.vex);
  if (match.notMatched.length > 0) {
    const first = match.notMatched.slice(0, 3).map((n) => `${n.package}: ${n.reason}`).join('; ');
    warnings.push(`${match.notMatched.length} package(s) could not be matched against advisories (${first}${match.notMatched.length > 3 ? '; ...' : ''})`);
  }
  for (const p of inventory.problems) warnings.push(`${p.path ? `${p.path}: ` : ''}${p.message}`);

  let findings: Finding[] = match.findings;
  const reportWarnings: ReportWarning[] = warnings.map((message) => ({ message }));
  if (options.config !== undefined) {
    const applied = applyConfig(findings, options.config, { now: started, ran: [VULN_RULE] });
    findings = applied.findings;
    reportWarnings.push(...applied.warnings);
    warnings.push(...applied.warnings.map((w) => w.message));
  }

  const verdicts = Array.from({ length: match.packagesMatched }, () => ({ status: 'pass' as const, findings: [] }));
  const check = checkResult(VULN_RULE_META, verdicts, findings);
  if (verdicts.length === 0 && check.status === 'not-applicable') check.reason = 'no package in the inventory could be matched against advisories';
  const report = buildReport({
    command: 'scan',
    target: { description: options.description },
    started,
    durationMs: performance.now() - t0,
    findings,
    checks: [check],
    ...(options.config?.file !== undefined ? { configFile: options.config.file } : {}),
    ...(options.config ? { benchmark: options.config.benchmark } : {}),
    warnings: reportWarnings,
  });
  return { report, match, warnings };
}
