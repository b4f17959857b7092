import { isSeverity, severityRank, type Severity } from '../models/finding.ts';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.ts';
import type { Report } from '../report/model.ts';
import { MoatError } from '../util/errors.ts';
import { EXIT } from './exit-codes.ts';

/**
 * `--format`, `--fail-on` and the exit code they lead to, shared by the reporting commands.
 * Apart from the renderers and from `audit`'s engine doors, which a command loads only when
 * it needs them (`moat lint --format json` needs neither).
 */
export function parseFormat(value: string | undefined): ReportFormat {
  const f = value ?? 'table';
  if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new MoatError('usage', `unknown --format "${f}": use one of ${REPORT_FORMATS.join(', ')}`);
  return f as ReportFormat;
}

export function parseFailOn(value: string): Severity | 'none' {
  if (value === 'none' || isSeverity(value)) return value;
  throw new MoatError('usage', `unknown --fail-on "${value}": use critical, high, medium, low, info or none`);
}

export function exitCodeFor(report: Report, failOn: Severity | 'none'): number {
  // A check that could not run, or an input that could not be read, leaves the result incomplete.
  const errored = report.checks.filter((c) => c.status === 'error');
  if (errored.length > 0 || report.errors?.length) return EXIT.incomplete;
  if (failOn === 'none') return EXIT.ok;
  const bar = severityRank(failOn);
  return report.findings.some((f) => !f.suppressed && severityRank(f.severity) >= bar) ? EXIT.findings : EXIT.ok;
}
