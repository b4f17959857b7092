/**
 * Issue 12 item 1: an incomplete run still reports. Files that can be read are linted; the
 * ones that cannot, and directories too deep to walk, are located errors in every format;
 * notes (a file deliberately skipped) have their own place; the exit code says incomplete.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeFor } from '../../cli/commands/audit.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { renderHtml } from '../../report/html.ts';
import { renderJson } from '../../report/json.ts';
import { toSarif } from '../../report/sarif.ts';
import { renderTable } from '../../report/table.ts';
import { compileSchema, FINDING_SCHEMA_URL, readJson } from '../../report/test-support/ajv.ts';
import { dockerfileKind, FILE_KINDS, type FileKind } from './file-kinds.ts';
import { lint } from './lint.ts';
import { MAX_DEPTH } from './walk.ts';

const NOW = new Date('2026-11-22T00:00:00Z');

/** A tree with a good Dockerfile, a broken one, a template the test kind skips with a note, and a directory MAX_DEPTH + 1 levels down. */
function incompleteTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'moat-incomplete-'));
  mkdirSync(join(root, 'good'));
  writeFileSync(join(root, 'good', 'Dockerfile'), 'FROM ubuntu\nRUN apt-get install -y curl\n');
  mkdirSync(join(root, 'broken'));
  writeFileSync(join(root, 'broken', 'Dockerfile'), 'FROM debian:12\nRUN <<EOF\nnever closed\n');
  writeFileSync(join(root, 'good', 'Dockerfile.template'), 'FROM {{ .base }}\n');
  const deep = join(root, ...Array.from({ length: MAX_DEPTH + 1 }, (_, i) => `d${i}`));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'Dockerfile'), 'FROM debian:12\n');
  return root;
}

/** A kind that skips `*.template` with a note, as the template detection does. */
const templateKind: FileKind = {
  id: 'template',
  title: 'template',
  targets: ['dockerfile'],
  matches: (name) => name.endsWith('.template'),
  read: async (_bytes, ctx) => ({ models: [], warnings: [], notes: [{ message: 'a template, not a Dockerfile: skipped', at: { file: ctx.file, line: 1, column: 1 } }] }),
};
const KINDS = [templateKind, ...FILE_KINDS];

test('an unreadable file and a too-deep directory are located errors; the rest is linted; exit 3', async () => {
  const root = incompleteTree();
  try {
    const report = await lint({ paths: ['.'], cwd: root, kinds: KINDS, now: NOW });
    assert.ok(report.findings.some((f) => f.location?.file === 'good/Dockerfile' && f.ruleId === 'dockerfile-apt-unpinned'), 'the good file is linted');
    const deepDir = Array.from({ length: MAX_DEPTH + 1 }, (_, i) => `d${i}`).join('/');
    assert.deepEqual(report.errors, [
      { message: `${deepDir}: directory more than ${MAX_DEPTH} levels below .: not walked (name it on the command line to lint what is inside)`, location: { file: deepDir } },
      { message: 'broken/Dockerfile:2:5: unterminated heredoc <<EOF: no line "EOF" closes it before the end of the file', location: { file: 'broken/Dockerfile', line: 2, column: 5 } },
    ]);
    assert.deepEqual(report.notes, [{ message: 'good/Dockerfile.template:1:1: a template, not a Dockerfile: skipped', location: { file: 'good/Dockerfile.template', line: 1, column: 1 } }]);
    assert.equal(exitCodeFor(report, 'none'), EXIT.incomplete, 'incomplete beats --fail-on none');
    assert.equal(exitCodeFor(report, 'low'), EXIT.incomplete, 'and findings at or above --fail-on');
    assert.equal(exitCodeFor({ ...report, errors: [] }, 'none'), EXIT.ok);

    // JSON: errors and notes, valid against the published schema.
    const validate = compileSchema(readJson(FINDING_SCHEMA_URL) as object);
    const doc = JSON.parse(renderJson(report)) as { errors: unknown[]; notes: unknown[] };
    assert.ok(validate(doc), JSON.stringify(validate.errors, null, 1));
    assert.equal(doc.errors.length, 2);
    assert.equal(doc.notes.length, 1);

    // SARIF: the run is unsuccessful; errors and notes are located notifications.
    const run = toSarif(report, { cwd: root }).runs[0];
    const inv = run.invocations[0];
    assert.equal(inv?.executionSuccessful, false);
    const broken = inv?.toolExecutionNotifications?.find((n) => n.level === 'error' && n.message.text.startsWith('broken/'));
    assert.deepEqual(broken?.locations, [{ physicalLocation: { artifactLocation: { uri: 'broken/Dockerfile', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 5 } } }]);
    assert.ok(inv?.toolExecutionNotifications?.some((n) => n.level === 'note' && n.message.text.includes('a template')));

    // Table: a closing section and a summary line; notes have their own heading.
    const table = renderTable(report, { color: false });
    assert.match(table, /\nCould not be read \(the result is incomplete\)\n {2}d0\/.*not walked.*\n {2}broken\/Dockerfile:2:5: unterminated heredoc/);
    assert.match(table, /\nNotes\n {2}good\/Dockerfile\.template:1:1: a template, not a Dockerfile: skipped\n/);
    assert.match(table, /\n {2}Not read: {3}2 \(listed above\): the result is incomplete\n/);
    assert.ok(table.indexOf('Could not be read') > table.indexOf('good/Dockerfile\n'), 'after the findings');

    // HTML: its own sections, escaped.
    const html = renderHtml(report);
    assert.match(html, /<h2 id="errors-h">Could not be read: the result is incomplete<\/h2>\n<ul id="errors">\n<li>d0\/[^<]*not walked[^<]*<\/li>\n<li>broken\/Dockerfile:2:5: unterminated heredoc &lt;&lt;EOF/);
    assert.match(html, /<ul id="notes">\n<li>good\/Dockerfile\.template:1:1: a template, not a Dockerfile: skipped<\/li>/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a tree whose only file is broken still gives a report, with nothing linted and one error', async () => {
  const root = mkdtempSync(join(tmpdir(), 'moat-incomplete-'));
  try {
    writeFileSync(join(root, 'Dockerfile'), new Uint8Array([0xff, 0xfe, 0x46, 0x00]));
    const report = await lint({ paths: ['.'], cwd: root, kinds: [dockerfileKind], now: NOW });
    assert.equal(report.findings.length, 0);
    assert.equal(report.errors?.length, 1);
    assert.equal(report.errors?.[0]?.location?.file, 'Dockerfile');
    assert.equal(report.warnings, undefined, 'no "nothing to lint" warning when a file was found but not read');
    assert.equal(exitCodeFor(report, 'high'), EXIT.incomplete);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
