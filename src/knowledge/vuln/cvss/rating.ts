/**
 * Qualitative ratings of CVSS scores and of advisory databases' severity words. Kept
 * apart from the calculator so that matching, which reads scores computed at import,
 * does not load it (~60 ms).
 */
import type { Severity } from '../../../models/finding.ts';

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

/**
 * The qualitative rating: v3.x and v4.0 as their specifications define it (None 0.0,
 * Low to 3.9, Medium to 6.9, High to 8.9, Critical from 9.0); v2 as NVD rates it (Low
 * to 3.9, Medium to 6.9, High from 7.0: v2 has no Critical).
 */
export function rate(version: CvssVersion, score: number): Severity | 'none' {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'none';
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
}

/**
 * A severity word as advisory databases write it (GHSA `MODERATE`, Debian urgency
 * `unimportant`, Ubuntu priority `negligible`, Red Hat `Important`), or undefined for
 * words that carry no rating (`not yet assigned`, `unknown`).
 */
export function severityFromLabel(label: string): Severity | undefined {
  const word = label.trim().toLowerCase().replace(/\*+$/, '');
  switch (word) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
      return 'low';
    case 'negligible':
    case 'unimportant':
    case 'none':
      return 'info';
    default:
      return undefined;
  }
}
