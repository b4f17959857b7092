import { test } from 'node:test';
import assert from 'node:assert/strict';
import { html, raw, table, trendChart } from './html.ts';

test('html`` escapes every value but markup built by html`` itself', () => {
  const name = '<img src=x onerror=alert(1)>"';
  assert.equal(html`<td title="${name}">${name}</td>`.text, '<td title="&lt;img src=x onerror=alert(1)&gt;&quot;">&lt;img src=x onerror=alert(1)&gt;&quot;</td>');
  assert.equal(html`<p>${[html`<b>${'a&b'}</b>`, raw('<i>x</i>'), undefined, null, false, 0]}</p>`.text, '<p><b>a&amp;b</b><i>x</i>0</p>');
});

const rows = Array.from({ length: 120 }, (_, i) => ({ name: `host-${String(i).padStart(3, '0')}`, n: (i * 37) % 101 }));
const columns = [
  { key: 'name', label: 'Host', cell: (r: (typeof rows)[number]) => r.name, sort: (r: (typeof rows)[number]) => r.name },
  { key: 'n', label: 'Findings', cell: (r: (typeof rows)[number]) => r.n, sort: (r: (typeof rows)[number]) => r.n, num: true },
];
const cells = (out: string): string[] => [...out.matchAll(/<td data-label="Host">([^<]*)<\/td>/g)].map((m) => m[1] as string);

test('tables sort and page on the server from the URL, and their links keep the filters', () => {
  const first = table({ id: 't', caption: 'Hosts', rows, columns, url: new URL('http://x/?host=h') }).text;
  assert.deepEqual(cells(first).slice(0, 2), ['host-000', 'host-001']);
  assert.equal(cells(first).length, 50);
  assert.match(first, /Page 1 of 3 \(120 rows\)/);
  assert.match(first, /<a href="\/\?host=h&amp;page=2" rel="next">Next<\/a>/);
  assert.match(first, /<a href="\/\?host=h&amp;sort=n&amp;dir=asc">Findings<\/a>/);

  const sorted = table({ id: 't', caption: 'Hosts', rows, columns, url: new URL('http://x/?host=h&sort=n&dir=desc&page=3') }).text;
  const expected = [...rows].sort((a, b) => b.n - a.n).slice(100).map((r) => r.name);
  assert.deepEqual(cells(sorted), expected);
  assert.match(sorted, /aria-sort="descending"/);
  assert.match(sorted, /<a href="\/\?host=h&amp;sort=n&amp;dir=asc">Findings ▼<\/a>/, 'the active column flips direction and goes back to page 1');
  assert.doesNotMatch(sorted, /rel="next"/);

  const clamped = table({ id: 't', caption: 'Hosts', rows, columns, url: new URL('http://x/?page=99') }).text;
  assert.match(clamped, /Page 3 of 3/, 'a page past the end shows the last one');
  const junk = table({ id: 't', caption: 'Hosts', rows, columns, url: new URL('http://x/?page=abc&sort=nope') }).text;
  assert.deepEqual(cells(junk).slice(0, 1), ['host-000'], 'an unknown sort or page is ignored');
  assert.match(table({ id: 't', caption: 'Hosts', rows: [], columns, url: new URL('http://x/'), empty: 'None yet.' }).text, /<td colspan="2" class="muted">None yet\.<\/td>/);
});

test('the trend chart is inline SVG with a text alternative, no style attribute', () => {
  const svg = trendChart(['2026-12-01', '2026-12-02', '2026-12-03'], [{ name: 'Opened', cls: 'opened', values: [1, 4, 2] }, { name: 'Closed', cls: 'closed', values: [0, 1, 3] }], 'Findings').text;
  assert.match(svg, /role="img" aria-label="Findings: Opened 7, Closed 4 over 3 days"/);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
  assert.doesNotMatch(svg, /style=/);
});
