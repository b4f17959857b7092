import { SEVERITIES, type Finding, type Severity } from '../models/finding.ts';
import { formatLocation } from '../models/location.ts';
import type { CheckStatus } from '../models/verdict.ts';
import { listSome } from '../util/error-text.ts';
import { checksById, cisIdOf, sanitize, compareFindings, formatDuration, formatTime, groupBySubject, subjectLabel } from './common.ts';
import { vulnerabilityTable } from './table-vulnerabilities.ts';
import { wrapRow } from './wrap.ts';
import type { CheckResult, Report, ReportWarning } from './model.ts';

export interface TableOptions {
  /** Decided by the caller (see `shouldColor`); renderers never look at the terminal. */
  color: boolean;
  /** Also list passed and not-applicable checks, with their reasons, and suppressed findings. */
  verbose?: boolean;
  /** Columns to wrap rows to (see `tableWidth`); without it every row is one line. */
  width?: number;
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

export { sanitize } from './common.ts';

/** Human text for a terminal: findings grouped by subject (by file for `lint`), then the benchmark-style summary. */
export function renderTable(report: Report, opts: TableOptions): string {
  const paint = (style: string, text: string): string => (opts.color ? `${ESC}${style}m${text}${ESC}0m` : text);
  const bold = (text: string): string => paint('1', text);
  const checks = checksById(report);
  const out: string[] = [];
  out.push(bold(`Moat ${sanitize(report.command)}: ${sanitize(report.target.description)}`));
  out.push(`${sanitize(formatTime(report.startedAt))}  (moat ${sanitize(report.tool.version)}${report.benchmark ? `, ${sanitize(report.benchmark)}` : ''})`);
  out.push('');
  const live = report.findings.filter((f) => !f.suppressed);
  const table: TableContext = { paint, bold, width: opts.width, checks };
  if (live.length === 0) out.push('No findings.', '');
  else if (report.command === 'lint') fileSections(out, live, table);
  else if (report.command === 'scan' && live.some((f) => f.vulnerability)) {
    // The image's own findings (user, secrets...) as usual, then the vulnerabilities in their own table.
    const others = live.filter((f) => !f.vulnerability);
    if (others.length) subjectSections(out, others, table);
    vulnerabilityTable(out, live, { ...table, severityStyle: SEVERITY_STYLE });
  } else subjectSections(out, live, table);
  if (opts.verbose) {
    const suppressed = report.findings.filter((f) => f.suppressed);
    if (suppressed.length) {
      out.push(bold('Suppressed findings'));
      const sevWidth = Math.max(...SEVERITIES.map((s) => s.length));
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
  pushMessages(out, bold('Notes'), report.notes, opts.width);
  pushMessages(out, paint('1;33', 'Warnings'), report.warnings, opts.width);
  // Last before the summary, where a reader of a long run looks: what the result does not cover.
  pushMessages(out, paint('1;31', `Could not be read (the result is incomplete)`), report.errors, opts.width);
  out.push(...summaryLines(report, paint, bold));
  return out.join('\n') + '\n';
}

interface TableContext {
  paint: (style: string, text: string) => string;
  bold: (text: string) => string;
  /** Columns to wrap to; undefined: one line per row. */
  width: number | undefined;
  checks: ReadonlyMap<string, CheckResult>;
}

const SEV_WIDTH = Math.max(...SEVERITIES.map((s) => s.length));

/** `audit`: one section per subject (host, daemon, images, containers), one row per finding. */
function subjectSections(out: string[], live: readonly Finding[], t: TableContext): void {
  // One set of column widths for the whole table, so columns line up across subjects.
  const cells = new Map(live.map((f) => [f, findingCells(f, t.checks)]));
  const ruleWidth = widest([...cells.values()].map((r) => r.ruleId), 0);
  const cisWidth = widest([...cells.values()].map((r) => r.cis), 3);
  for (const g of groupBySubject(live)) {
    out.push(t.bold(sanitize(subjectLabel(g.subject))));
    for (const f of g.findings) {
      const r = cells.get(f) as ReturnType<typeof findingCells>;
      const sev = t.paint(SEVERITY_STYLE[f.severity], f.severity.toUpperCase().padEnd(SEV_WIDTH));
      const prefix = `  ${sev}  ${r.ruleId.padEnd(ruleWidth)}  ${r.cis.padEnd(cisWidth)}  `;
      out.push(...wrapRow(prefix, 2 + SEV_WIDTH + 2 + ruleWidth + 2 + cisWidth + 2, r.location ? `${r.message}  at ${r.location}` : r.message, t.width));
    }
    out.push('');
  }
}

/**
 * `lint`: one section per file, then one row per rule and message, naming every place it
 * applies (the services of a compose file, the lines of a Dockerfile), so a generic finding
 * about ten services is one row, and no row repeats the path. JSON and SARIF keep one
 * finding per place.
 */
function fileSections(out: string[], live: readonly Finding[], t: TableContext): void {
  const byFile = Map.groupBy(live, (f) => f.location?.file ?? subjectLabel(f.subject));
  const rows = [...byFile].map(([file, findings]) => ({ file, rows: [...Map.groupBy([...findings].sort(compareFindings), (f) => `${f.severity}\u0000${f.ruleId}\u0000${f.message}`).values()] }));
  // The CIS id and the hadolint code side by side: the two numbers Dockerfile authors search for.
  const refsCell = (f: Finding): string => {
    const hadolint = f.peers?.hadolint;
    const refs = [cisIdOf(f, t.checks), ...(hadolint === undefined ? [] : typeof hadolint === 'string' ? [hadolint] : hadolint)].filter((x) => x !== undefined);
    return sanitize(refs.length ? refs.join(' ') : '-');
  };
  const ruleWidth = widest(rows.flatMap((g) => g.rows.map((r) => sanitize((r[0] as Finding).ruleId))), 0);
  const cisWidth = widest(rows.flatMap((g) => g.rows.map((r) => refsCell(r[0] as Finding))), 3);
  for (const g of rows.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    out.push(t.bold(sanitize(g.file)));
    for (const same of g.rows) {
      const f = same[0] as Finding;
      const sev = t.paint(SEVERITY_STYLE[f.severity], f.severity.toUpperCase().padEnd(SEV_WIDTH));
      const prefix = `  ${sev}  ${sanitize(f.ruleId).padEnd(ruleWidth)}  ${refsCell(f).padEnd(cisWidth)}  `;
      const places = listSome(same.map((x) => placeOf(x)).filter((p) => p !== ''), 8);
      out.push(...wrapRow(prefix, 2 + SEV_WIDTH + 2 + ruleWidth + 2 + cisWidth + 2, `${sanitize(f.message)}${places ? `  ${t.paint('2', `at ${sanitize(places)}`)}` : ''}`, t.width));
    }
    out.push('');
  }
}

/** Where in its file a finding is: `12:5` in a Dockerfile, `web 4:5` for a compose service or run line. */
function placeOf(f: Finding): string {
  const at = f.location;
  const pos = at?.line !== undefined ? `${at.line}${at.column !== undefined ? `:${at.column}` : ''}` : '';
  const who = f.subject.kind === 'file' ? '' : (f.subject.name ?? f.subject.id);
  return [who, pos].filter(Boolean).join(' ');
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

function pushMessages(out: string[], heading: string, list: readonly ReportWarning[] | undefined, width: number | undefined): void {
  if (!list?.length) return;
  out.push(heading);
  for (const m of list) out.push(...wrapRow('  ', 2, sanitize(m.message), width));
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
    ...(report.errors?.length ? [paint('1;31', `  Not read:   ${report.errors.length} (listed above): the result is incomplete`)] : []),
    `  Duration:   ${formatDuration(report.durationMs)}`,
  ];
}
