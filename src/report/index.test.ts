import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport, REPORT_FORMATS, type ReportFormat } from './index.ts';
import { SAMPLE_CWD, sampleReport } from './test-support/sample.ts';

test('the formats the CLI offers', () => {
  assert.deepEqual([...REPORT_FORMATS], ['table', 'json', 'sarif', 'html']);
});

test('each format renders the same report in its own shape, ending in a newline', () => {
  const report = sampleReport();
  const out = Object.fromEntries(REPORT_FORMATS.map((f) => [f, renderReport(report, f, { cwd: SAMPLE_CWD })]));
  assert.match(out.table ?? '', /^Moat audit: /);
  assert.equal(JSON.parse(out.json ?? '').schemaVersion, report.schemaVersion);
  assert.equal(JSON.parse(out.sarif ?? '').version, '2.1.0');
  assert.match(out.html ?? '', /^<!doctype html>/);
  for (const [f, text] of Object.entries(out)) assert.ok(text.endsWith('\n'), `${f} ends in a newline`);
});

test('options reach the renderers that use them: colour and verbosity for table, cwd for sarif', () => {
  const report = sampleReport();
  assert.equal(renderReport(report, 'table').includes('\u001b'), false, 'no colour unless asked');
  assert.ok(renderReport(report, 'table', { color: true }).includes('\u001b['));
  assert.ok(renderReport(report, 'table', { verbose: true }).includes('Passed checks'));
  const sarif = JSON.parse(renderReport(report, 'sarif', { cwd: SAMPLE_CWD }));
  const uris = sarif.runs[0].results.flatMap((r: { locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] }) => r.locations.map((l) => l.physicalLocation?.artifactLocation.uri).filter(Boolean));
  assert.ok(uris.includes('compose.yaml'), uris.join(', '));
  // Machine formats never colour, whatever the caller passes.
  assert.equal(renderReport(report, 'json', { color: true }).includes('\u001b'), false);
});

test('an unknown format is an error, not an empty document', () => {
  assert.throws(() => renderReport(sampleReport(), 'xml' as ReportFormat), /unknown report format: xml/);
});
