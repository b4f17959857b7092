/**
 * `moat scan`'s one report: the image rules judged on the scanned ImageSpec (with its
 * file facts) and the vulnerability match of its inventory, side by side in the same
 * finding schema. When the vulnerability part was not done (no database, or the caller
 * chose to skip it) the report says so in a check and a warning: never a silent pass.
 */
import { buildReport } from '../../report/build.ts';
import { applyConfig } from '../../report/apply-config.ts';
import type { MoatConfig } from '../../doors/config/load.ts';
import type { Finding, Subject } from '../../models/finding.ts';
import { checkResult } from '../../report/summary.ts';
import type { ImageScan } from '../../doors/image/scan.ts';
import type { ImageSpec } from '../../models/image-spec.ts';
import type { SignatureStatus } from '../../models/signature-status.ts';
import type { CheckResult, Report, ReportWarning } from '../../report/model.ts';
import { runCheck } from '../../knowledge/rules/evaluate.ts';
import type { ImageRule, ImageSettings } from '../../models/rule.ts';
import { VULN_RULE_META, type ScanResult } from './vulnerability-report.ts';

/** The vulnerability part: the match's result, or why there is none. */
export type VulnPart =
  | { result: ScanResult }
  /** `error`: it should have run and could not (no database): the check is an error and the report is incomplete. */
  | { notChecked: string; error: boolean };

export interface ImageReportOptions {
  rules: readonly ImageRule[];
  settings: ImageSettings;
  config?: MoatConfig;
  /** When the scan started: ages are judged against it, and the report's duration counts from it. */
  now: Date;
  vulns: VulnPart;
  /** What was scanned, for people. */
  description: string;
  /** The image's signature against moat.yaml's trust.signatures, when a policy covers it. */
  signature?: SignatureStatus;
}

export interface ImageReport {
  report: Report;
  /** Also in `report.warnings`. */
  warnings: string[];
}

export function imageScanReport(scan: ImageScan, opts: ImageReportOptions): ImageReport {
  const started = opts.now;
  const warnings: ReportWarning[] = [];
  let findings: Finding[] = [];
  const checks: CheckResult[] = [];

  // A root file system has files but no image configuration: only the rules that judge files alone run on it.
  const image: ImageSpec | undefined = scan.image ? scan.image.spec : scan.fileFacts ? { id: scan.target.name, repoTags: [scan.target.name], repoDigests: [], env: [], exposedPorts: [], labels: {}, files: scan.fileFacts } : undefined;
  const rules = scan.image ? opts.rules : opts.rules.filter((r) => r.meta.needs?.includes('files'));
  if (image) {
    const subject: Subject = { kind: 'image', id: image.id, name: image.repoTags[0] ?? scan.target.name };
    const verdicts = rules.map((r) => ({ rule: r, verdict: runCheck(r, { image, now: opts.now, settings: opts.settings, ...(opts.signature ? { signature: opts.signature } : {}) }, subject) }));
    let ruleFindings = verdicts.flatMap((v) => v.verdict.findings);
    if (opts.config) {
      const applied = applyConfig(ruleFindings, opts.config, { now: started, ran: rules });
      ruleFindings = applied.findings;
      warnings.push(...applied.warnings);
    }
    const byRule = Map.groupBy(ruleFindings, (f) => f.ruleId);
    for (const { rule, verdict } of verdicts) checks.push(checkResult(rule.meta, [verdict], byRule.get(rule.meta.id) ?? []));
    findings = ruleFindings;
  }
  if (!scan.image) {
    const skipped = opts.rules.filter((r) => !rules.includes(r)).map((r) => r.meta.id);
    if (skipped.length) warnings.push({ message: `${scan.target.name} is a root file system, with no image configuration: only the file rules ran (${rules.map((r) => r.meta.id).join(', ') || 'none'}); not run: ${skipped.join(', ')}` });
  }

  if ('result' in opts.vulns) {
    const { report } = opts.vulns.result;
    findings = [...findings, ...report.findings];
    checks.push(...report.checks);
    warnings.push(...(report.warnings ?? []));
  } else {
    warnings.push({ message: opts.vulns.notChecked });
    if (opts.vulns.error) {
      const check = checkResult(VULN_RULE_META, [{ status: 'error', findings: [], reason: opts.vulns.notChecked }], []);
      checks.push(check);
    }
    // scanInventory reports these with the match; without one they must still be seen.
    for (const p of scan.inventory.problems) warnings.push({ message: `${p.path ? `${p.path}: ` : ''}${p.message}` });
  }

  const report = buildReport({
    command: 'scan',
    target: { description: opts.description },
    started,
    durationMs: Date.now() - started.getTime(),
    findings,
    checks,
    ...(opts.config?.file !== undefined ? { configFile: opts.config.file } : {}),
    ...(opts.config ? { benchmark: opts.config.benchmark } : {}),
    warnings,
  });
  return { report, warnings: warnings.map((w) => w.message) };
}
