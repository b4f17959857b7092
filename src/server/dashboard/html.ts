/** Page building blocks. Every string from the API is escaped here: hosts report what they like. */
import { escapeHtml } from '../../report/html.ts';
import { SEVERITIES, type Severity } from '../../models/finding.ts';
import { ALERTS_SCRIPT, STYLESHEET } from './assets.ts';
import type { Session } from './session.ts';

export const esc = escapeHtml;

/** Markup already escaped; the only way a string reaches a page unescaped. */
export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

/** A tagged template that escapes every interpolated value unless it is Html (or a list of them). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return esc(String(v));
}

export const raw = (text: string): Html => new Html(text);

export type Nav = 'overview' | 'hosts' | 'images' | 'vulnerabilities' | 'alerts' | 'triage' | 'jobs' | 'none';

const NAV: ReadonlyArray<[Nav, string, string]> = [
  ['overview', '/', 'Overview'],
  ['images', '/images', 'Images'],
  ['vulnerabilities', '/vulnerabilities', 'Vulnerabilities'],
  ['alerts', '/alerts', 'Alerts'],
  ['triage', '/triage', 'Triage'],
  ['jobs', '/jobs', 'Failed jobs'],
];

export interface PageOptions {
  title: string;
  nav: Nav;
  session?: Session;
  body: Html;
  script?: boolean;
}

export function page(o: PageOptions): string {
  const nav = o.session
    ? html`<nav aria-label="Main"><ul>${NAV.map(([key, href, label]) => html`<li><a href="${href}"${o.nav === key ? raw(' aria-current="page"') : ''}>${label}</a></li>`)}</ul></nav>
<form method="post" action="/logout"><span>${o.session.role}</span><input type="hidden" name="csrf" value="${o.session.csrf}"><button type="submit">Sign out</button></form>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)} · Moat</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${STYLESHEET.name}">
${o.script ? `<script src="${ALERTS_SCRIPT.name}" defer></script>` : ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/">Moat</a>${nav}</header>
<main id="main">
<h1>${esc(o.title)}</h1>
${o.body.text}
</main>
</body>
</html>
`;
}

export type Counts = Record<Severity, number>;

export function zero(): Counts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

export function add(a: Counts, b: Partial<Counts> | undefined): Counts {
  const out = { ...a };
  for (const s of SEVERITIES) out[s] += Number(b?.[s] ?? 0);
  return out;
}

export function badge(severity: string): Html {
  const s = (SEVERITIES as readonly string[]).includes(severity) ? severity : 'info';
  return html`<span class="badge sev-${s}">${severity}</span>`;
}

export function cards(counts: Counts, extra: Array<[string, number]> = [], idPrefix = 'total'): Html {
  return html`<div class="cards">${SEVERITIES.map(
    (s) => html`<div class="card sev-${s}"><span class="n" id="${idPrefix}-${s}">${counts[s]}</span><span class="l">${s[0]!.toUpperCase() + s.slice(1)}</span></div>`,
  )}${extra.map(([label, n]) => html`<div class="card"><span class="n" id="${idPrefix}-${label.toLowerCase().replace(/[^a-z]+/g, '-')}">${n}</span><span class="l">${label}</span></div>`)}</div>`;
}

/** Most critical first, then high, and so on: the order people triage in. */
export function riskier(a: Counts, b: Counts): number {
  for (const s of SEVERITIES) if (a[s] !== b[s]) return b[s] - a[s];
  return 0;
}

// --- Tables sorted and paged on the server: the state lives in the URL, so a view can be shared.

export interface Column<T> {
  key: string;
  label: string;
  cell: (row: T) => Html | string | number;
  /** The sort value; absent: the column does not sort. */
  sort?: (row: T) => string | number;
  num?: boolean;
}

export interface TableOptions<T> {
  id: string;
  caption: string;
  rows: readonly T[];
  columns: ReadonlyArray<Column<T>>;
  /** The page's URL: its query keeps the filters, the table adds sort, dir and page. */
  url: URL;
  pageSize?: number;
  /** Query-parameter prefix, when a page has two tables. */
  prefix?: string;
  empty?: string;
  /** Default sort when the URL names none: the rows' own order. */
}

export function table<T>(o: TableOptions<T>): Html {
  const p = o.prefix ?? '';
  const size = o.pageSize ?? 50;
  const sortKey = o.url.searchParams.get(`${p}sort`);
  const desc = o.url.searchParams.get(`${p}dir`) === 'desc';
  const col = o.columns.find((c) => c.key === sortKey && c.sort);
  let rows = [...o.rows];
  if (col?.sort) {
    const f = col.sort;
    rows.sort((a, b) => {
      const x = f(a);
      const y = f(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return desc ? -c : c;
    });
  }
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const pageNo = Math.min(pages, Math.max(1, Number.parseInt(o.url.searchParams.get(`${p}page`) ?? '1', 10) || 1));
  rows = rows.slice((pageNo - 1) * size, pageNo * size);
  const link = (changes: Record<string, string | undefined>): string => {
    const u = new URL(o.url);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) u.searchParams.delete(k);
      else u.searchParams.set(k, v);
    }
    return `${u.pathname}${u.search}`;
  };
  const head = o.columns.map((c) => {
    if (!c.sort) return html`<th scope="col"${c.num ? raw(' class="num"') : ''}>${c.label}</th>`;
    const active = col?.key === c.key;
    const next = active && !desc ? 'desc' : 'asc';
    const aria = active ? raw(` aria-sort="${desc ? 'descending' : 'ascending'}"`) : '';
    return html`<th scope="col"${aria}${c.num ? raw(' class="num"') : ''}><a href="${link({ [`${p}sort`]: c.key, [`${p}dir`]: next, [`${p}page`]: undefined })}">${c.label}${active ? (desc ? ' ▼' : ' ▲') : ''}</a></th>`;
  });
  const body = rows.length
    ? rows.map((r) => html`<tr>${o.columns.map((c) => html`<td data-label="${c.label}"${c.num ? raw(' class="num"') : ''}>${c.cell(r)}</td>`)}</tr>`)
    : html`<tr><td colspan="${o.columns.length}" class="muted">${o.empty ?? 'Nothing to show.'}</td></tr>`;
  const pager =
    pages > 1
      ? html`<nav class="pager" aria-label="${o.caption} pages">${pageNo > 1 ? html`<a href="${link({ [`${p}page`]: String(pageNo - 1) })}" rel="prev">Previous</a>` : ''}<span>Page ${pageNo} of ${pages} (${o.rows.length} rows)</span>${pageNo < pages ? html`<a href="${link({ [`${p}page`]: String(pageNo + 1) })}" rel="next">Next</a>` : ''}</nav>`
      : '';
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${o.caption}"><table id="${o.id}" class="stack"><caption>${o.caption}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${pager}`;
}

// --- A hand-made line chart: two series over days, no library, no script, no inline style.

export function trendChart(days: readonly string[], series: ReadonlyArray<{ name: string; cls: string; values: readonly number[] }>, label: string): Html {
  const w = 640;
  const h = 180;
  const pad = { l: 36, r: 8, t: 10, b: 24 };
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number): number => pad.l + (days.length <= 1 ? 0 : (i * (w - pad.l - pad.r)) / (days.length - 1));
  const y = (v: number): number => h - pad.b - (v * (h - pad.t - pad.b)) / max;
  const lines = series.map((s) => raw(`<polyline class="${s.cls}" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`));
  const ticks = [0, Math.floor((days.length - 1) / 2), days.length - 1].filter((v, i, a) => v >= 0 && a.indexOf(v) === i);
  const text = series.map((s) => `${s.name} ${s.values.reduce((a, b) => a + b, 0)}`).join(', ');
  return html`<figure><svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${label}: ${text} over ${days.length} days">
<line class="axis" x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}"/><line class="axis" x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${h - pad.b}"/>
<text x="2" y="${pad.t + 8}">${max}</text><text x="2" y="${h - pad.b}">0</text>
${ticks.map((i, n) => html`<text x="${x(i)}" y="${h - 6}" text-anchor="${n === 0 ? 'start' : n === ticks.length - 1 ? 'end' : 'middle'}">${days[i] ?? ''}</text>`)}
${lines}</svg><figcaption>${series.map((s) => html`<span class="legend-${s.cls}">■ ${s.name}</span> `)}per day (UTC)</figcaption></figure>`;
}
