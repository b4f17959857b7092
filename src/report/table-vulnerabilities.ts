import { SEVERITIES, severityRank, type Finding, type Severity } from '../models/finding.ts';
import { sanitize, subjectLabel } from './common.ts';
import { wrapRow } from './wrap.ts';

export interface VulnTableContext {
  paint: (style: string, text: string) => string;
  bold: (text: string) => string;
  /** Columns to wrap to; undefined: one line per row. */
  width: number | undefined;
  severityStyle: Readonly<Record<Severity, string>>;
}

interface Row {
  severity: Severity;
  pkg: string;
  installed: string;
  fixed: string;
  id: string;
  title: string;
}

const HEADINGS: Row = { severity: 'info', pkg: 'PACKAGE', installed: 'INSTALLED', fixed: 'FIXED IN', id: 'VULNERABILITY', title: 'TITLE' };
const SEV_WIDTH = Math.max('SEVERITY'.length, ...SEVERITIES.map((s) => s.length));

/**
 * `moat scan`'s vulnerabilities as Trivy and Grype users read them: one row per
 * vulnerability and package (package, installed, fixed in, id, severity, title), grouped
 * by target (the ecosystem the packages were matched in: `Debian:12`, `npm`), the worst
 * target first and the worst rows first, then counts by severity and how many are fixable.
 * The title wraps under itself; JSON and SARIF keep every detail (aliases, CVSS, paths).
 */
export function vulnerabilityTable(out: string[], findings: readonly Finding[], t: VulnTableContext): void {
  const vulns = findings.filter((f) => f.vulnerability);
  const byTarget = [...Map.groupBy(vulns, (f) => f.vulnerability?.ecosystem ?? 'unknown')].map(([target, list]) => ({ target, rows: list.map(rowOf).sort(compareRows) }));
  byTarget.sort((a, b) => compareRows(a.rows[0] as Row, b.rows[0] as Row) || b.rows.length - a.rows.length || (a.target < b.target ? -1 : 1));
  const all = byTarget.flatMap((g) => g.rows);
  const w = {
    pkg: widest(all.map((r) => r.pkg), HEADINGS.pkg.length),
    installed: widest(all.map((r) => r.installed), HEADINGS.installed.length),
    fixed: widest(all.map((r) => r.fixed), HEADINGS.fixed.length),
    id: widest(all.map((r) => r.id), HEADINGS.id.length),
  };
  const prefixWidth = 2 + w.pkg + 2 + w.installed + 2 + w.fixed + 2 + w.id + 2 + SEV_WIDTH + 2;
  const cells = (r: Row, sev: string): string => `  ${r.pkg.padEnd(w.pkg)}  ${r.installed.padEnd(w.installed)}  ${r.fixed.padEnd(w.fixed)}  ${r.id.padEnd(w.id)}  ${sev}  `;
  for (const g of byTarget) {
    out.push(t.bold(`${sanitize(g.target)} (${countsText(g.rows)})`));
    out.push(t.paint('2', `${cells(HEADINGS, 'SEVERITY'.padEnd(SEV_WIDTH))}${HEADINGS.title}`.trimEnd()));
    for (const r of g.rows) out.push(...wrapRow(cells(r, t.paint(t.severityStyle[r.severity], r.severity.toUpperCase().padEnd(SEV_WIDTH))), prefixWidth, r.title, t.width));
    out.push('');
  }
  const fixable = all.filter((r) => r.fixed !== '-').length;
  out.push(t.bold('Vulnerabilities'), ...wrapRow('  ', 2, `${countsText(all)}; ${fixable} fixable (a fixed version is published), ${all.length - fixable} not`, t.width), '');
}

/** `1 critical, 3 high, 2 medium`: only the severities present, worst first. */
function countsText(rows: readonly Row[]): string {
  const parts = SEVERITIES.map((s) => [s, rows.filter((r) => r.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return `${rows.length} ${rows.length === 1 ? 'vulnerability' : 'vulnerabilities'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

function rowOf(f: Finding): Row {
  const v = f.vulnerability;
  if (!v) return { severity: f.severity, pkg: sanitize(subjectLabel(f.subject)), installed: '-', fixed: '-', id: sanitize(f.ruleId), title: sanitize(f.message) };
  return {
    severity: f.severity,
    pkg: sanitize(v.package.name),
    installed: sanitize(v.package.version),
    fixed: sanitize(v.fixedVersion ?? '-'),
    id: sanitize(v.id),
    title: sanitize(v.summary ? oneLine(v.summary) : f.title),
  };
}

function compareRows(a: Row, b: Row): number {
  return severityRank(b.severity) - severityRank(a.severity) || text(a.pkg, b.pkg) || text(a.id, b.id) || text(a.installed, b.installed);
}

function text(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function widest(values: readonly string[], min: number): number {
  let n = min;
  for (const v of values) if (v.length > n) n = v.length;
  return n;
}
