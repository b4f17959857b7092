import { isAbsolute, relative } from 'node:path';
import { globToRegExp } from '../util/glob.ts';
import type { Finding } from '../models/finding.ts';
import { formatLocation } from '../models/location.ts';
import type { ReportWarning } from './model.ts';
import type { Rule } from '../models/rule.ts';
import { selectRules } from '../knowledge/rules/select.ts';
import { inBenchmark } from '../models/rule-benchmark.ts';
import type { Ignore, MoatConfig } from '../doors/config/load.ts';

/**
 * The rules to run: `--checks` given on the command line replaces `rules.only` and
 * `rules.disable` (what a person asks for explicitly wins over the file); `--skip` adds
 * to `rules.disable`.
 */
export function selectConfiguredRules(all: readonly Rule[], config: MoatConfig, cli: { checks: readonly string[]; skip: readonly string[] }): Rule[] {
  // CIS ids in --checks, --skip and the file are the chosen version's, and so are the reports'.
  const rules = inBenchmark(all, config.benchmark);
  const explicit = cli.checks.length > 0;
  const chosen = explicit ? rules : selectRules(rules, { checks: config.rules.only, skip: config.rules.disable });
  return selectRules(chosen, { checks: cli.checks, skip: cli.skip });
}

export interface ApplyOptions {
  now: Date;
  /** The rules that ran: an ignore of a rule that did not run is not "unused". */
  ran: readonly Rule[];
}

/**
 * moat.yaml's severity overrides, then its ignores. Findings are kept (suppressed ones
 * marked), so a report still shows what was accepted and why. An expired ignore stops
 * suppressing and says so; an ignore that matches nothing says so too, because it is
 * either stale or mistyped.
 */
export function applyConfig(findings: readonly Finding[], config: MoatConfig, opts: ApplyOptions): { findings: Finding[]; warnings: ReportWarning[] } {
  const cisOf = new Map(opts.ran.map((r) => [r.meta.id, r.meta.cis?.id]));
  const hits = new Map<Ignore, number>();
  const out = findings.map((f) => {
    const override = config.rules.severity.get(f.ruleId);
    let finding: Finding = override && override.severity !== f.severity ? { ...f, severity: override.severity } : f;
    if (finding.suppressed) return finding;
    for (const ig of config.ignores) {
      if (!ignoreMatches(ig, finding, cisOf.get(f.ruleId), config.dir)) continue;
      hits.set(ig, (hits.get(ig) ?? 0) + 1);
      if (isExpired(ig, opts.now)) continue;
      finding = { ...finding, suppressed: { reason: ig.reason, ...(ig.expires ? { expires: ig.expires } : {}) } };
      break;
    }
    return finding;
  });

  const warnings: ReportWarning[] = [];
  const where = (ig: Ignore): string => formatLocation(ig.at);
  for (const ig of config.ignores) {
    const n = hits.get(ig) ?? 0;
    const what = `the ignore of ${ig.rule}${ig.subject ? ` for "${ig.subject}"` : ''}`;
    if (isExpired(ig, opts.now)) {
      warnings.push({ message: `${where(ig)}: ${what} expired on ${ig.expires}${n ? ` and no longer suppresses ${n} finding${n > 1 ? 's' : ''}` : ''}: fix the finding, or renew the ignore with a new expires date`, location: ig.at });
    } else if (n === 0 && opts.ran.some((r) => r.meta.id === ig.rule || r.meta.cis?.id === ig.rule)) {
      warnings.push({ message: `${where(ig)}: ${what} matches no finding: remove it if the finding is gone, or check the rule and subject`, location: ig.at });
    }
  }
  return { findings: out, warnings };
}

export function isExpired(ig: Ignore, now: Date): boolean {
  // Good through the whole named day, wherever in the world the check runs.
  return ig.expires !== undefined && now.getTime() >= Date.parse(`${ig.expires}T00:00:00Z`) + 24 * 3600 * 1000;
}

function ignoreMatches(ig: Ignore, f: Finding, cis: string | undefined, dir: string): boolean {
  if (ig.rule !== f.ruleId && ig.rule !== cis) return false;
  if (ig.subject === undefined) return true;
  const re = globToRegExp(ig.subject);
  const candidates = [f.subject.name, f.subject.id, ...(f.vulnerability?.ids ?? [])];
  const file = f.location?.file;
  if (file !== undefined) candidates.push(isAbsolute(file) ? relative(dir, file) : file, file);
  return candidates.some((c) => c !== undefined && re.test(c));
}

