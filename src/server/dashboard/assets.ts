/**
 * The dashboard's only static files: one stylesheet and one small script (live alerts).
 * Served from this origin so the Content-Security-Policy can forbid every inline style and
 * script and every other origin. Names carry a hash of the content, so they can be cached for
 * good and a new release is never mixed with an old stylesheet.
 */
import { createHash } from 'node:crypto';

const CSS = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa; --accent: #0550ae;
  --critical: #82071e; --high: #cf222e; --medium: #7d4e00; --low: #0550ae; --info: #57606a; --pass: #116329; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --line: #3d444d; --panel: #161b22; --accent: #79c0ff;
  --critical: #ffa198; --high: #ff7b72; --medium: #e3b341; --low: #79c0ff; --info: #9da7b3; --pass: #56d364; } .badge { color: #0d1117 !important; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem; }
.skip:focus { left: .5rem; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.25rem; padding: .6rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top .brand { font-weight: 700; font-size: 1.1rem; color: var(--fg); text-decoration: none; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.top nav a[aria-current="page"] { font-weight: 700; color: var(--fg); }
header.top form { margin-left: auto; display: flex; align-items: center; gap: .5rem; color: var(--muted); }
main { max-width: 80rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .6rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.cards { display: flex; flex-wrap: wrap; gap: .6rem; }
.card { min-width: 7rem; padding: .5rem .8rem; border: 1px solid var(--line); border-left: 6px solid var(--c, var(--line)); border-radius: 6px; background: var(--panel); }
.card .n { display: block; font-size: 1.6rem; font-weight: 700; line-height: 1.1; }
.card .l { color: var(--muted); }
.sev-critical { --c: var(--critical); } .sev-high { --c: var(--high); } .sev-medium { --c: var(--medium); } .sev-low { --c: var(--low); } .sev-info { --c: var(--info); }
.st-pass { --c: var(--pass); } .st-fail { --c: var(--high); } .st-error { --c: var(--critical); }
.badge { display: inline-block; min-width: 4.8em; padding: 0 .4em; border-radius: 4px; text-align: center; font-size: .78rem; font-weight: 700; text-transform: uppercase; color: #fff; background: var(--c, var(--info)); }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: .92rem; }
caption { text-align: left; color: var(--muted); padding: .2rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1rem 2rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
form.inline { display: inline; }
form.filters { display: flex; flex-wrap: wrap; align-items: end; gap: .5rem 1rem; margin: .5rem 0 1rem; }
form.filters label, form.login label { display: flex; flex-direction: column; font-size: .9rem; color: var(--muted); }
input, select, button { font: inherit; padding: .3rem .5rem; border: 1px solid var(--line); border-radius: 5px; background: var(--bg); color: var(--fg); }
button { cursor: pointer; background: var(--panel); }
button.primary { background: var(--accent); color: var(--bg); border-color: var(--accent); font-weight: 600; }
.pager { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; }
.login { max-width: 26rem; margin: 4rem auto; padding: 1.5rem; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
.login form { display: flex; flex-direction: column; gap: .8rem; }
.error { border-left: 6px solid var(--high); background: var(--panel); padding: .5rem .8rem; border-radius: 6px; }
.notice { border-left: 6px solid var(--pass); background: var(--panel); padding: .5rem .8rem; border-radius: 6px; }
details.triage { margin-top: .3rem; } details.triage form { display: flex; flex-wrap: wrap; gap: .4rem; align-items: end; margin-top: .3rem; }
ul.routes { margin: .2rem 0; padding-left: 1.1rem; }
svg.chart { width: 100%; height: auto; max-width: 46rem; }
svg.chart .opened { fill: none; stroke: var(--high); stroke-width: 2; } svg.chart .closed { fill: none; stroke: var(--pass); stroke-width: 2; }
svg.chart .axis { stroke: var(--line); } svg.chart text { fill: var(--muted); font-size: 11px; }
.legend-opened { color: var(--high); } .legend-closed { color: var(--pass); }
.live { font-size: .9rem; color: var(--muted); }
@media (max-width: 40rem) {
  header.top form { margin-left: 0; }
  table.stack thead { position: absolute; left: -9999px; }
  table.stack tr { display: block; border-bottom: 1px solid var(--line); padding: .3rem 0; }
  table.stack td { display: flex; gap: .6rem; border: 0; padding: .1rem .3rem; }
  table.stack td::before { content: attr(data-label); min-width: 7rem; color: var(--muted); font-weight: 600; }
  table.stack td.num { text-align: left; }
}
`;

/** Live alerts: new ones arrive over server-sent events and are put on top of the table. */
const ALERTS_JS = `
(function () {
  var table = document.getElementById('alerts');
  var status = document.getElementById('live-status');
  if (!table || !window.EventSource) return;
  var body = table.tBodies[0];
  var seen = {};
  Array.prototype.forEach.call(body.rows, function (r) { seen[r.getAttribute('data-id')] = true; });
  var source = new EventSource(table.getAttribute('data-stream'));
  source.addEventListener('open', function () { status.textContent = 'Live: new alerts appear at the top.'; });
  source.addEventListener('error', function () { status.textContent = 'Live updates interrupted; reconnecting.'; });
  source.addEventListener('alert', function (e) {
    var a = JSON.parse(e.data);
    if (seen[a.id]) return;
    seen[a.id] = true;
    var empty = document.getElementById('no-alerts');
    if (empty) empty.remove();
    var tr = document.createElement('tr');
    tr.setAttribute('data-id', String(a.id));
    tr.className = 'new';
    [['Time', a.time], ['Host', a.host], ['Severity', a.severity], ['Kind', a.kind], ['Message', a.message]].forEach(function (cell) {
      var td = document.createElement('td');
      td.setAttribute('data-label', cell[0]);
      if (cell[0] === 'Severity') {
        var b = document.createElement('span');
        b.className = 'badge sev-' + String(cell[1]).replace(/[^a-z]/g, '');
        b.textContent = cell[1];
        td.appendChild(b);
      } else td.textContent = cell[1] == null ? '' : String(cell[1]);
      tr.appendChild(td);
    });
    body.insertBefore(tr, body.firstChild);
    status.textContent = 'New alert on ' + a.host + ': ' + a.message;
  });
})();
`;

function asset(body: string, type: string, ext: string): { name: string; body: string; type: string } {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { name: `/assets/moat-${hash}.${ext}`, body, type };
}

export const STYLESHEET = asset(CSS, 'text/css; charset=utf-8', 'css');
export const ALERTS_SCRIPT = asset(ALERTS_JS, 'text/javascript; charset=utf-8', 'js');
export const ASSETS = [STYLESHEET, ALERTS_SCRIPT];
