import type { Finding, Subject } from '../../models/finding.ts';
import { benchmarkTitle, cisIdIn, DEFAULT_BENCHMARK } from '../../models/cis-benchmark.ts';
import type { Verdict } from '../../models/verdict.ts';
import { isNotApplicable, type Outcome, type Rule, type RuleMeta } from '../../models/rule.ts';


/** Turns a rule's outcome into findings with the one published shape. */
export function toVerdict(meta: RuleMeta, subject: Subject, outcome: Outcome): Verdict {
  if (isNotApplicable(outcome)) return { status: 'not-applicable', findings: [], reason: outcome.notApplicable };
  if (outcome.length === 0) return { status: 'pass', findings: [] };
  const shared = sharedParts(meta);
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
      ...shared,
    }),
  );
  if (findings.length === 0) return { status: 'pass', findings };
  return { status: findings.every((f) => f.severity === 'info') ? 'info' : 'fail', findings };
}

type SharedParts = Pick<Finding, 'references' | 'cis' | 'peers'>;

/**
 * What every finding of a rule says alike (references, CIS id, peers), made once per rule
 * and shared by its findings: a tree of 2,000 files has ~60,000 findings, and building these
 * objects for each was a tenth of the rules' time and most of the findings' memory. Findings
 * are data that nothing changes in place, so one object serves them all. Keyed by the meta
 * object itself: `inBenchmark` gives a rule read in another benchmark version a meta of its own.
 */
const SHARED = new WeakMap<RuleMeta, SharedParts>();

function sharedParts(meta: RuleMeta): SharedParts {
  let parts = SHARED.get(meta);
  if (!parts) {
    parts = { references: referencesOf(meta), ...cisOf(meta), ...(meta.peers && Object.keys(meta.peers).length ? { peers: meta.peers } : {}) };
    SHARED.set(meta, parts);
  }
  return parts;
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
