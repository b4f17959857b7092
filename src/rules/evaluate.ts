import type { Finding, Subject } from '../findings/finding.ts';
import { isNotApplicable, type Outcome, type Rule, type RuleMeta } from './rule.ts';

export type CheckStatus = 'pass' | 'fail' | 'info' | 'not-applicable' | 'error';

/** What one rule concluded about one subject. */
export interface Verdict {
  status: CheckStatus;
  findings: Finding[];
  reason?: string;
}

/** Turns a rule's outcome into findings with the one published shape. */
export function toVerdict(meta: RuleMeta, subject: Subject, outcome: Outcome): Verdict {
  if (isNotApplicable(outcome)) return { status: 'not-applicable', findings: [], reason: outcome.notApplicable };
  const findings = outcome.map(
    (issue): Finding => ({
      ruleId: meta.id,
      severity: issue.severity ?? meta.severity,
      title: meta.title,
      message: issue.message,
      subject,
      ...(issue.at ? { location: issue.at } : {}),
      ...(issue.evidence !== undefined ? { evidence: issue.evidence } : {}),
      remediation: meta.remediation,
      references: referencesOf(meta),
      ...(meta.cis ? { cis: { id: meta.cis.id, benchmark: CIS_BENCHMARK } } : {}),
      ...(meta.peers && Object.keys(meta.peers).length ? { peers: meta.peers } : {}),
    }),
  );
  if (findings.length === 0) return { status: 'pass', findings };
  return { status: findings.every((f) => f.severity === 'info') ? 'info' : 'fail', findings };
}

/** The benchmark every rule's `cis` id is numbered in. */
export const CIS_BENCHMARK = 'CIS Docker Benchmark v1.6.0';

export function referencesOf(meta: RuleMeta): Finding['references'] {
  return {
    ...(meta.cis ? { cis: [`${CIS_BENCHMARK} ${meta.cis.id}`] } : {}),
    ...(meta.cwe?.length ? { cwe: meta.cwe } : {}),
    ...(meta.urls?.length ? { urls: meta.urls } : {}),
  };
}

/** Runs a check, turning a thrown error into an `error` verdict rather than a crash of the whole audit. */
export function runCheck<F>(rule: Rule & { check(f: F): Outcome }, facts: F, subject: Subject): Verdict {
  try {
    return toVerdict(rule.meta, subject, rule.check(facts));
  } catch (e) {
    return { status: 'error', findings: [], reason: `rule ${rule.meta.id} failed: ${(e as Error).message}` };
  }
}
