import { SEVERITIES, type Finding, type Severity } from '../models/finding.ts';
import { formatLocation } from '../models/location.ts';
import type { CheckStatus } from '../models/verdict.ts';
import { checksById, cisIdOf, formatDuration, formatTime, groupBySubject, shortId, type SubjectGroup } from './common.ts';
import type { CheckResult, Report } from './model.ts';

/**
 * Every string in the page comes from escaping through here: container names, labels,
 * messages and evidence are read from the inspected system and may carry markup.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITY[c] ?? c);
}

const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const esc = escapeHtml;

/**
 * The page loads nothing and runs nothing: even if a string escaped escaping, the browser
 * would refuse to execute it or fetch anything because of it. Filtering works in CSS alone.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
const STATUS_LABEL: Readonly<Record<CheckStatus, string>> = { pass: 'Pass', fail: 'Fail', info: 'Info', 'not-applicable': 'N/A', error: 'Error' };

const CSS = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --critical: #8b0a1a; --high: #cf222e; --medium: #9a6700; --low: #0969da; --info: #59636e; --pass: #1a7f37; --error: #8250df; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
  --critical: #ff7b72; --high: #f85149; --medium: #d29922; --low: #4493f8; --info: #9198a1; --pass: #3fb950; --error: #ab7df8; }
  .badge { color: #0d1117; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header.page, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
header.page { padding-top: 1.5rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
a { color: var(--low); }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; word-break: break-all; margin: 0; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; }
.errors ul { margin: 0; padding: .5rem 1rem .5rem 2rem; border-left: 6px solid var(--high); background: var(--panel); border-radius: 6px; }
.warnings ul { margin: 0; padding: .5rem 1rem .5rem 2rem; border-left: 6px solid var(--medium); background: var(--panel); border-radius: 6px; }
.card { min-width: 7.5rem; padding: .6rem .9rem; border: 1px solid var(--line); border-left: 6px solid var(--c, var(--line)); border-radius: 6px; background: var(--panel); }
.card .count { display: block; font-size: 1.8rem; font-weight: 700; line-height: 1.1; }
.card .label { color: var(--muted); }
.sev-critical { --c: var(--critical); } .sev-high { --c: var(--high); } .sev-medium { --c: var(--medium); }
.sev-low { --c: var(--low); } .sev-info { --c: var(--info); }
.st-pass { --c: var(--pass); } .st-fail { --c: var(--high); } .st-info, .st-not-applicable { --c: var(--info); } .st-error { --c: var(--error); }
.badge { display: inline-block; min-width: 5.2em; padding: 0 .45em; border-radius: 4px; text-align: center; font-size: .8rem; font-weight: 700;
  letter-spacing: .03em; text-transform: uppercase; color: #fff; background: var(--c, var(--info)); }
.checkline { margin: .9rem 0 0; color: var(--muted); }
.checkline strong { color: var(--fg); }
table { width: 100%; border-collapse: collapse; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.reason { color: var(--muted); }
td.rule { white-space: nowrap; }
.filters { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .8rem; display: flex; flex-wrap: wrap; gap: 1rem; }
.filters legend { color: var(--muted); padding: 0 .3rem; }
.subject h3 .id { color: var(--muted); font-weight: 400; }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--c); border-radius: 6px; padding: .6rem .9rem; margin: 0 0 .75rem; background: var(--panel); }
.finding .head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .6rem; }
.finding .message { margin: .35rem 0; font-weight: 500; }
.finding dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .3rem 0 0; }
.finding dt { color: var(--muted); }
.finding dd { margin: 0; overflow-wrap: anywhere; }
.finding.suppressed { opacity: .65; }
.finding.suppressed .badge.sup { background: var(--muted); }
.empty { color: var(--muted); }
footer { color: var(--muted); margin-top: 2.5rem; padding-bottom: 2rem; font-size: .85rem; }
${SEVERITIES.map((s) => `body:has(#show-${s}:not(:checked)) .finding.sev-${s}`).join(',\n')},
body:has(#show-suppressed:not(:checked)) .finding.suppressed { display: none; }
@media print { .filters { display: none; } .finding { break-inside: avoid; } }
`;

/** One self-contained HTML page: opens from disk with no server, no network and no script. */
export function renderHtml(report: Report): string {
  const checks = checksById(report);
  const title = `Moat ${report.command} report: ${report.target.description}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="moat ${esc(report.tool.version)}">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="page">
<h1>Moat ${esc(report.command)} report</h1>
<dl class="meta">
<dt>Target</dt><dd id="target">${esc(report.target.description)}</dd>
<dt>Started</dt><dd><time datetime="${esc(report.startedAt)}">${esc(formatTime(report.startedAt))}</time></dd>
<dt>Duration</dt><dd>${esc(formatDuration(report.durationMs))}</dd>
<dt>Moat</dt><dd>${esc(report.tool.version)} (report schema ${esc(report.schemaVersion)})</dd>
</dl>
</header>
<main>
${summarySection(report)}
${errorsSection(report)}
${warningsSection(report)}
${checksSection(report.checks)}
${findingsSection(report, checks)}
${notesSection(report)}
</main>
<footer>Generated by moat ${esc(report.tool.version)} at ${esc(formatTime(report.finishedAt))}. The JSON form of this report follows docs/finding.schema.json.</footer>
</body>
</html>
`;
}

function summarySection(report: Report): string {
  const s = report.summary;
  const cards = SEVERITIES.map(
    (sev) =>
      `<div class="card sev-${sev}" data-severity="${sev}"><span class="count" id="count-${sev}">${s.bySeverity[sev]}</span><span class="label">${SEVERITY_LABEL[sev]}</span></div>`,
  );
  cards.push(`<div class="card" data-severity="suppressed"><span class="count" id="count-suppressed">${s.suppressed}</span><span class="label">Suppressed</span></div>`);
  const c = s.checks;
  return `<section aria-labelledby="summary-h">
<h2 id="summary-h">Summary</h2>
<div class="cards">
${cards.join('\n')}
</div>
<p class="checkline" id="checks-summary"><strong>${c.total}</strong> checks: <strong>${c.pass}</strong> pass, <strong>${c.fail}</strong> fail, <strong>${c.info}</strong> info, <strong>${c.notApplicable}</strong> not applicable, <strong>${c.error}</strong> error. Score <strong id="score">${s.score}</strong>.</p>
</section>`;
}

/** What could not be read, before everything else: the reader must know the result is incomplete. */
function errorsSection(report: Report): string {
  if (!report.errors?.length) return '';
  return `<section aria-labelledby="errors-h" class="errors">
<h2 id="errors-h">Could not be read: the result is incomplete</h2>
<ul id="errors">
${report.errors.map((e) => `<li>${esc(e.message)}</li>`).join('\n')}
</ul>
</section>`;
}

/** What was deliberately left out, and why. */
function notesSection(report: Report): string {
  if (!report.notes?.length) return '';
  return `<section aria-labelledby="notes-h" class="notes">
<h2 id="notes-h">Notes</h2>
<ul id="notes">
${report.notes.map((n) => `<li>${esc(n.message)}</li>`).join('\n')}
</ul>
</section>`;
}

function warningsSection(report: Report): string {
  if (!report.warnings?.length) return '';
  return `<section aria-labelledby="warnings-h" class="warnings">
<h2 id="warnings-h">Warnings</h2>
<ul>
${report.warnings.map((w) => `<li>${esc(w.message)}</li>`).join('\n')}
</ul>
</section>`;
}

function checksSection(list: readonly CheckResult[]): string {
  if (list.length === 0) return `<section aria-labelledby="checks-h"><h2 id="checks-h">Checks</h2><p class="empty">No checks ran.</p></section>`;
  const rows = list.map(
    (c) => `<tr class="st-${esc(c.status)}">
<td><span class="badge st-${esc(c.status)}">${esc(STATUS_LABEL[c.status] ?? c.status)}</span></td>
<td>${esc(c.cis ?? '')}</td>
<td class="rule"><code>${esc(c.ruleId)}</code></td>
<td>${esc(c.title)}</td>
<td><span class="badge sev-${esc(c.severity)}">${esc(c.severity)}</span></td>
<td class="num">${c.subjects}</td>
<td class="num">${c.findings}</td>
<td class="reason">${esc(c.reason ?? '')}</td>
</tr>`,
  );
  return `<section aria-labelledby="checks-h">
<h2 id="checks-h">Checks</h2>
<table id="checks">
<thead><tr><th>Status</th><th>CIS</th><th>Rule</th><th>Title</th><th>Severity</th><th>Subjects</th><th>Findings</th><th>Note</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function findingsSection(report: Report, checks: ReadonlyMap<string, CheckResult>): string {
  const groups = groupBySubject(report.findings);
  const body = groups.length === 0 ? '<p class="empty">No findings.</p>' : groups.map((g) => subjectSection(g, checks)).join('\n');
  const filters = [
    ...SEVERITIES.map((s) => `<label><input type="checkbox" id="show-${s}" checked> ${SEVERITY_LABEL[s]}</label>`),
    '<label><input type="checkbox" id="show-suppressed" checked> Suppressed</label>',
  ].join('\n');
  return `<section aria-labelledby="findings-h">
<h2 id="findings-h">Findings</h2>
<fieldset class="filters"><legend>Show</legend>
${filters}
</fieldset>
${body}
</section>`;
}

function subjectSection(g: SubjectGroup, checks: ReadonlyMap<string, CheckResult>): string {
  const s = g.subject;
  const id = shortId(s.id);
  // The host and daemon are known by name; their ids (a hostname, a daemon key) add nothing.
  const showId = s.name && s.name !== id && s.kind !== 'host' && s.kind !== 'daemon';
  const heading = showId ? `${esc(s.kind)} ${esc(s.name ?? '')} <span class="id">${esc(id)}</span>` : `${esc(s.kind)} ${esc(s.name ?? id)}`;
  return `<section class="subject" data-kind="${esc(s.kind)}">
<h3>${heading}</h3>
${g.findings.map((f) => findingArticle(f, checks)).join('\n')}
</section>`;
}

function findingArticle(f: Finding, checks: ReadonlyMap<string, CheckResult>): string {
  const cis = cisIdOf(f, checks);
  const rows: string[] = [];
  const where = formatLocation(f.location);
  if (where) rows.push(`<dt>Location</dt><dd><code>${esc(where)}</code></dd>`);
  if (f.evidence !== undefined) rows.push(`<dt>Evidence</dt><dd><pre>${esc(f.evidence)}</pre></dd>`);
  const rationale = checks.get(f.ruleId)?.rationale;
  if (rationale) rows.push(`<dt>Why</dt><dd>${prose(rationale)}</dd>`);
  rows.push(`<dt>Remediation</dt><dd>${prose(f.remediation)}</dd>`);
  const peers = Object.entries(f.peers ?? {}).map(([tool, ids]) => `${esc(tool)} <code>${esc(typeof ids === 'string' ? ids : ids.join(', '))}</code>`);
  if (peers.length) rows.push(`<dt>Also known as</dt><dd class="peers">${peers.join(' · ')}</dd>`);
  const refs = references(f);
  if (refs) rows.push(`<dt>References</dt><dd>${refs}</dd>`);
  if (f.suppressed) {
    const until = f.suppressed.expires ? ` (until ${esc(f.suppressed.expires)})` : '';
    rows.push(`<dt>Suppressed</dt><dd>${esc(f.suppressed.reason)}${until}</dd>`);
  }
  return `<article class="finding sev-${esc(f.severity)}${f.suppressed ? ' suppressed' : ''}" data-severity="${esc(f.severity)}">
<div class="head"><span class="badge sev-${esc(f.severity)}">${esc(f.severity)}</span>${f.suppressed ? '<span class="badge sup">suppressed</span>' : ''}<code>${esc(f.ruleId)}</code>${cis ? `<span>CIS ${esc(cis)}</span>` : ''}<strong>${esc(f.title)}</strong></div>
<p class="message">${esc(f.message)}</p>
<dl>
${rows.join('\n')}
</dl>
</article>`;
}

function references(f: Finding): string {
  const r = f.references;
  const parts = [
    ...(r.cis ?? []).map((c) => esc(c)),
    ...(r.cwe ?? []).map((w) => {
      const n = /^CWE-(\d+)$/.exec(w)?.[1];
      return n ? link(`https://cwe.mitre.org/data/definitions/${n}.html`, w) : esc(w);
    }),
    ...(r.urls ?? []).map((u) => link(u, u)),
  ];
  return parts.join(' · ');
}

/** Rule texts mark flags and keys with backticks; show those as code, after escaping everything. */
function prose(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** Only web links become anchors: a `javascript:` or `data:` URL in a finding stays inert text. */
function link(url: string, text: string): string {
  return /^https?:\/\//i.test(url) ? `<a href="${esc(url)}" rel="noreferrer noopener">${esc(text)}</a>` : esc(text);
}
