/**
 * One severity for a finding from everything its advisories say: the highest CVSS base
 * score of the newest CVSS version any of them carries (v4.0 over v3.x over v2), else
 * the highest severity word a database gives (GHSA's, Debian's urgency, Ubuntu's
 * priority), else `medium`, marked `unrated`, so an unrated vulnerability is neither
 * hidden by `--severity high` nor presented as critical.
 */
import { rate, severityFromLabel, type CvssVersion } from '../cvss/rating.ts';
import { severityRank, type Severity } from '../../../models/finding.ts';
import type { StoredSeverity } from '../osv/normalize.ts';

export interface Rated {
  severity: Severity;
  /** `cvss`, `database` (a severity word) or `unrated`. */
  basis: 'cvss' | 'database' | 'unrated';
  cvss?: { version: CvssVersion; vector: string; score: number };
  /** The word the severity came from, when `basis` is `database`. */
  label?: string;
}

const CVSS_ORDER: readonly CvssVersion[] = ['4.0', '3.1', '3.0', '2.0'];

export function rateFinding(severities: readonly StoredSeverity[]): Rated {
  for (const version of CVSS_ORDER) {
    let best: StoredSeverity | undefined;
    for (const s of severities) if (s.cvss === version && s.score !== undefined && (best === undefined || s.score > (best.score as number))) best = s;
    if (best !== undefined) {
      const r = rate(version, best.score as number);
      return { severity: r === 'none' ? 'info' : r, basis: 'cvss', cvss: { version, vector: best.value, score: best.score as number } };
    }
  }
  let top: { severity: Severity; label: string } | undefined;
  for (const s of severities) {
    if (s.cvss !== undefined) continue;
    const severity = severityFromLabel(s.value);
    if (severity !== undefined && (top === undefined || severityRank(severity) > severityRank(top.severity))) top = { severity, label: s.value };
  }
  if (top !== undefined) return { severity: top.severity, basis: 'database', label: top.label };
  return { severity: 'medium', basis: 'unrated' };
}
