import { SEVERITIES, type Finding, type Severity } from '../models/finding.ts';
import type { CheckStatus, Verdict } from '../models/verdict.ts';
import type { CheckResult, Summary } from './model.ts';
import type { RuleMeta } from '../models/rule.ts';

/**
 * A rule's verdict over all its subjects, computed after moat.yaml has suppressed or
 * re-rated findings, so a fully suppressed rule counts as passed and the status agrees
 * with the findings the reader sees.
 */
export function checkResult(meta: RuleMeta, verdicts: readonly Verdict[], findings: readonly Finding[]): CheckResult {
  const live = findings.filter((f) => !f.suppressed);
  let status: CheckStatus;
  let reason: string | undefined;
  const errored = verdicts.find((v) => v.status === 'error');
  if (errored) {
    status = 'error';
    reason = errored.reason;
  } else if (live.some((f) => f.severity !== 'info')) status = 'fail';
  else if (live.length > 0) status = 'info';
  else if (findings.length > 0) {
    status = 'pass';
    reason = 'every finding is suppressed by moat.yaml';
  } else if (verdicts.length === 0) {
    status = 'not-applicable';
    reason = meta.target === 'container' ? 'no containers to check' : meta.target === 'image' ? 'no images to check' : 'nothing to check';
  } else if (verdicts.every((v) => v.status === 'not-applicable')) {
    status = 'not-applicable';
    reason = verdicts[0]?.reason;
  } else status = 'pass';
  return {
    ruleId: meta.id,
    title: meta.title,
    severity: meta.severity,
    ...(meta.cis ? { cis: meta.cis.id } : {}),
    ...(meta.peers && Object.keys(meta.peers).length ? { peers: meta.peers } : {}),
    rationale: meta.rationale,
    remediation: meta.remediation,
    status,
    subjects: verdicts.length,
    findings: live.length,
    ...(reason ? { reason } : {}),
  };
}

export function summarize(checks: readonly CheckResult[], findings: readonly Finding[]): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressed = 0;
  for (const f of findings) {
    if (f.suppressed) suppressed++;
    else bySeverity[f.severity]++;
  }
  const count = (s: CheckStatus): number => checks.filter((c) => c.status === s).length;
  const pass = count('pass');
  const fail = count('fail');
  return {
    bySeverity,
    suppressed,
    checks: { total: checks.length, pass, fail, info: count('info'), notApplicable: count('not-applicable'), error: count('error') },
    score: pass - fail,
  };
}
