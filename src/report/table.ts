import { SEVERITIES, type Finding, type Severity } from '../findings/finding.ts';
import { formatLocation } from '../models/location.ts';
import type { CheckStatus } from '../rules/evaluate.ts';
import { checksById, cisIdOf, formatDuration, formatTime, groupBySubject, subjectLabel } from './common.ts';
import type { CheckResult, Report } from './model.ts';

export interface TableOptions {
  /** Decided by the caller (see `shouldColor`); renderers never look at the terminal. */
  color: boolean;
  /** Also list passed and not-applicable checks, with their reasons, and suppressed findings. */
  verbose?: boolean;
}

/**
 * Whether to colour output for `stream`: FORCE_COLOR (non-empty, not `0`/`false`) forces it
 * on and `FORCE_COLOR=0`/`false` off, like Node's own tty; otherwise only on a TTY, with
 * NO_COLOR unset or empty (no-color.org) and TERM not `dumb`.
 */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (!stream.isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

const ESC = '\u001b[';
const SEVERITY_STYLE: Readonly<Record<Severity, string>> = {
  critical: '1;31',
  high: '31',
  medium: '33',
  low: '36',
  info: '2',
};
const STATUS_STYLE: Readonly<Record<CheckStatus, string>> = {
  pass: '32',
  fail: '31',
  info: '2',
  'not-applicable': '2',
  error: '1;35',
};
const STATUS_LABEL: Readonly<Record<CheckStatus, string>> = {
  pass: 'PASS',
  fail: 'FAIL',
  info: 'INFO',
  'not-applicable': 'N/A',
  error: 'ERROR',
};

/**
 * Container names, labels, paths and messages come from the inspected system: a control
 * character in them must not move the cursor or recolour the user's terminal. Each is shown
 * as a visible escape instead.
 */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** Human text for a terminal: findings grouped by subject, then the benchmark-style summary. */
export function renderTable(report: Report, opts: TableOptions): string {
  const paint = (style: string, text: string): string => (opts.color ? `${ESC}${style}m${text}${ESC}0m` : text);
  const bold = (text: string): string => paint('1', text);
  const checks = checksById(report);
  const out: string[] = [];

  out.push(bold(`Moat ${sanitize(report.command)}: ${sanitize(report.target.description)}`));
  out.push(`${sanitize(formatTime(report.startedAt))}  (moat ${sanitize(report.tool.version)})`);
  out.push('');

  const live = report.findings.filter((f) => !f.suppressed);
  const groups = groupBySubject(live);
  if (groups.length === 0) out.push('No findings.', '');
  const sevWidth = Math.max(...SEVERITIES.map((s) => s.length));
  // One set of column widths for the whole table, so columns line up across subjects.
  const cells = new Map(live.map((f) => [f, findingCells(f, checks)]));
  const ruleWidth = widest([...cells.values()].map((r) => r.ruleId), 0);
  const cisWidth = widest([...cells.values()].map((r) => r.cis), 3);
  for (const g of groups) {
    out.push(bold(sanitize(subjectLabel(g.subject))));
    for (const f of g.findings) {
      const r = cells.get(f) as ReturnType<typeof findingCells>;
      const sev = paint(SEVERITY_STYLE[f.severity], f.severity.toUpperCase().padEnd(sevWidth));
      const where = r.location ? `  ${paint('2', `at ${r.location}`)}` : '';
      out.push(`  ${sev}  ${r.ruleId.padEnd(ruleWidth)}  ${r.cis.padEnd(cisWidth)}  ${r.message}${where}`);
    }
    out.push('');
  }

  if (opts.verbose) {
    const suppressed = report.findings.filter((f) => f.suppressed);
    if (suppressed.length) {
      out.push(bold('Suppressed findings'));
      for (const f of suppressed) {
        const label = sanitize(subjectLabel(f.subject));
        out.push(`  ${f.severity.toUpperCase().padEnd(sevWidth)}  ${sanitize(f.ruleId)}  ${label}: ${sanitize(f.message)}  ${paint('2', `(${sanitize(f.suppressed?.reason ?? '')}${f.suppressed?.expires ? `, until ${sanitize(f.suppressed.expires)}` : ''})`)}`);
      }
      out.push('');
    }
    pushChecks(out, 'Passed checks', report.checks.filter((c) => c.status === 'pass'), paint);
    pushChecks(out, 'Not applicable', report.checks.filter((c) => c.status === 'not-applicable'), paint);
  }
  // A check that could not run is never hidden: the reader must know the audit is incomplete.
  pushChecks(out, 'Checks that could not run', report.checks.filter((c) => c.status === 'error'), paint);
  if (report.warnings?.length) {
    out.push(paint('1;33', 'Warnings'));
    for (const w of report.warnings) out.push(`  ${sanitize(w.message)}`);
    out.push('');
  }

  out.push(...summaryLines(report, paint, bold));
  return out.join('\n') + '\n';
}

/** A loop, not Math.max(...list): spreading a fleet's worth of findings overflows the call stack. */
function widest(values: readonly string[], min: number): number {
  let w = min;
  for (const v of values) if (v.length > w) w = v.length;
  return w;
}

function findingCells(f: Finding, checks: ReadonlyMap<string, CheckResult>): { ruleId: string; cis: string; message: string; location: string } {
  return {
    ruleId: sanitize(f.ruleId),
    cis: sanitize(cisIdOf(f, checks) ?? '-'),
    message: sanitize(f.message),
    location: sanitize(formatLocation(f.location)),
  };
}

function pushChecks(out: string[], heading: string, list: readonly CheckResult[], paint: (style: string, text: string) => string): void {
  if (list.length === 0) return;
  out.push(paint('1', heading));
  const idWidth = widest(list.map((c) => c.ruleId), 0);
  const cisWidth = widest(list.map((c) => c.cis ?? '-'), 3);
  for (const c of list) {
    const status = paint(STATUS_STYLE[c.status], STATUS_LABEL[c.status].padEnd(5));
    const reason = c.reason ? `  ${paint('2', `(${sanitize(c.reason)})`)}` : '';
    out.push(`  ${status}  ${sanitize(c.ruleId).padEnd(idWidth)}  ${sanitize(c.cis ?? '-').padEnd(cisWidth)}  ${sanitize(c.title)}${reason}`);
  }
  out.push('');
}

function summaryLines(report: Report, paint: (style: string, text: string) => string, bold: (t: string) => string): string[] {
  const s = report.summary;
  const c = s.checks;
  const bySeverity = SEVERITIES.map((sev) => {
    const n = s.bySeverity[sev];
    const text = `${n} ${sev}`;
    return n > 0 ? paint(SEVERITY_STYLE[sev], text) : text;
  }).join(', ');
  return [
    bold('Summary'),
    `  Checks:     ${c.total} total, ${c.pass} pass, ${c.fail} fail, ${c.info} info, ${c.notApplicable} not applicable, ${c.error} error`,
    `  Score:      ${s.score}`,
    `  Findings:   ${bySeverity}`,
    `  Suppressed: ${s.suppressed}`,
    `  Duration:   ${formatDuration(report.durationMs)}`,
  ];
}
