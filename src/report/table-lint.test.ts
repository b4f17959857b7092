/**
 * Issue 12 item 8: lint's table on compose files. Grouped by file, then by rule (one row
 * naming every service), no row repeating the path, every line within the width; JSON keeps
 * one finding per service.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lint } from '../features/lint/lint.ts';
import { renderTable } from './table.ts';
import { tableWidth, wrapRow, wrapText } from './wrap.ts';

const COMPOSE = `services:
  web:
    image: nginx:1.27
    privileged: true
  api:
    image: registry.example.com/team/api:2.4.1
  worker:
    image: registry.example.com/team/worker:2.4.1
  cache:
    image: redis:7.4
`;

test('a compose file: one section, one row per rule listing the services, within 80 columns', async () => {
  const root = mkdtempSync(join(tmpdir(), 'moat-table-lint-'));
  try {
    writeFileSync(join(root, 'docker-compose.yml'), COMPOSE);
    const report = await lint({ paths: ['.'], cwd: root, env: {} });
    const memory = report.findings.filter((f) => f.ruleId === 'container-memory-limit');
    assert.equal(memory.length, 4, 'the report keeps one finding per service');
    const text = renderTable(report, { color: false, width: 80 });
    const lines = text.split('\n');
    assert.ok(lines.every((l) => l.length <= 80), lines.filter((l) => l.length > 80).join('\n'));
    assert.equal(lines.filter((l) => l === 'docker-compose.yml').length, 1, 'the path is a heading, once');
    // (A message may quote a location, as container-breakout-path names its ingredients; rows do not.)
    assert.equal(lines.filter((l) => / at docker-compose\.yml/.test(l)).length, 0, 'no row repeats the path');
    // One row (wrapped) for the four services' missing memory limit.
    const row = text.slice(text.indexOf('container-memory-limit'));
    assert.match(row.slice(0, row.indexOf('\n  MEDIUM') > 0 ? row.indexOf('\n  MEDIUM') : undefined), /at web 2:3, api 5:3, worker\s+7:3, cache 9:3/);
    assert.equal(text.split('container-memory-limit').length - 1, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('without a width (a library caller) each row is one line', async () => {
  const root = mkdtempSync(join(tmpdir(), 'moat-table-lint-'));
  try {
    writeFileSync(join(root, 'compose.yaml'), COMPOSE);
    const text = renderTable(await lint({ paths: ['.'], cwd: root, env: {} }), { color: false });
    assert.match(text, /\n {2}MEDIUM +container-memory-limit +5\.11 +no memory limit: it may use all host memory {2}at web 2:3, api 5:3, worker 7:3, cache 9:3\n/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('wrapping: at spaces, long words cut, text under itself; a narrow terminal puts the text below the prefix', () => {
  assert.deepEqual(wrapText('aaa bbb ccc', 7), ['aaa bbb', 'ccc']);
  assert.deepEqual(wrapText('x'.repeat(10), 4), ['xxxx', 'xxxx', 'xx']);
  assert.deepEqual(wrapText('a  b', 2), ['a', 'b'], 'a break on a run of spaces leaves none behind');
  assert.deepEqual(wrapRow('  P  ', 5, 'one two three four five six seven eight nine ten eleven twelve', 50), ['  P  one two three four five six seven eight nine', '     ten eleven twelve']);
  const narrow = wrapRow(`  ${'R'.repeat(40)}  `, 44, 'a message that must wrap', 60);
  assert.deepEqual(narrow, [`  ${'R'.repeat(40)}`, '      a message that must wrap']);
  assert.equal(tableWidth({ isTTY: true, columns: 132 }, {}), 132);
  assert.equal(tableWidth({ isTTY: false }, { COLUMNS: '100' }), 100);
  assert.equal(tableWidth({ isTTY: false }, {}), undefined, 'a pipe or a file is not wrapped');
  assert.equal(tableWidth({ isTTY: true, columns: 12 }, {}), 40, 'never under 40');
});
