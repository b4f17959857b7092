import type { Finding } from './finding.ts';

/** How one check ended, in every report: the reports, the server and the dashboard share it. */
export type CheckStatus = 'pass' | 'fail' | 'info' | 'not-applicable' | 'error';

/** What one rule concluded about one subject. */
export interface Verdict {
  status: CheckStatus;
  findings: Finding[];
  reason?: string;
}
