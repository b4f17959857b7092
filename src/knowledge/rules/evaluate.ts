import type { Finding, Subject } from '../../models/finding.ts';
import { benchmarkTitle, cisIdIn, DEFAULT_BENCHMARK } from '../../models/cis-benchmark.ts';
import type { Verdict } from '../../models/verdict.ts';
import { isNotApplicable, type Outcome, type Rule, type RuleMeta } from '../../models/rule.ts';


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
      ...cisOf(meta),
      ...(meta.peers && Object.keys(meta.peers).length ? { peers: meta.peers } : {}),
    }),
  );
  if (findings.length === 0) return { status: 'pass', findings };
  return { status: findings.every((f) => f.severity === 'info') ? 'info' : 'fail', findings };
}

/** The finding's CIS recommendation, in the version the rule was read in (`inBenchmark`), else the default one. */
function cisOf(meta: RuleMeta): { cis?: Finding['cis'] } {
  if (!meta.cis) return {};
  const b = meta.cis.benchmark ?? DEFAULT_BENCHMARK;
  const id = cisIdIn(meta.cis, b);
  return id === undefined ? {} : { cis: { id, benchmark: benchmarkTitle(b) } };
}

export function referencesOf(meta: RuleMeta): Finding['references'] {
  const cis = cisOf(meta).cis;
  return {
    ...(cis ? { cis: [`${cis.benchmark} ${cis.id}`] } : {}),
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
