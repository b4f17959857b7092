/**
 * Issue 12 item 9: `moat scan`'s table as Trivy and Grype users read it. One row per
 * vulnerability (package, installed, fixed in, id, severity, title), grouped by target
 * (ecosystem), worst first, counts by severity and fixable, within the width.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Severity } from '../models/finding.ts';
import type { Package } from '../models/inventory.ts';
import { findingFor } from '../knowledge/vuln/match/vulnerability-finding.ts';
import { sampleReport } from './test-support/sample.ts';
import { renderTable } from './table.ts';

/** A finding exactly as the matcher writes it. */
function vuln(ecosystem: string, name: string, version: string, id: string, severity: Severity, fixedVersion: string | undefined, summary: string) {
  const type = ecosystem.startsWith('Debian') ? 'deb' : 'npm';
  const pkg: Package = { type, name, version, analyzer: type === 'deb' ? 'dpkg' : 'npm', purl: `pkg:${type}/${name}@${version}`, foundIn: type === 'deb' ? 'var/lib/dpkg/status' : `app/node_modules/${name}/package.json` };
  return findingFor(pkg, { ecosystem, name, version }, { id, ids: [id], others: [], ecosystem, ...(fixedVersion ? { fixedVersion } : {}), rated: { severity, basis: 'database' }, summary, urls: [] });
}

const FINDINGS = [
  vuln('npm', 'lodash', '4.17.20', 'CVE-2021-23337', 'high', '4.17.21', 'Command injection in lodash template'),
  vuln('Debian:12', 'libssl3', '3.0.11-1~deb12u2', 'CVE-2024-5535', 'low', undefined, 'SSL_select_next_proto buffer overread'),
  vuln('Debian:12', 'zlib1g', '1:1.2.13.dfsg-1', 'CVE-2023-45853', 'critical', undefined, 'MiniZip in zlib through 1.3 has an integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_64 via a long filename, comment, or extra field'),
  vuln('Debian:12', 'libc6', '2.36-9+deb12u3', 'CVE-2024-2961', 'high', '2.36-9+deb12u7', 'iconv() buffer overflow in ISO-2022-CN-EXT'),
];

test('one row per vulnerability, grouped by target, worst target and rows first, with counts and fixable', () => {
  const report = sampleReport({ findings: FINDINGS, checks: [] });
  report.command = 'scan';
  const text = renderTable(report, { color: false });
  const debian = text.indexOf('Debian:12 (3 vulnerabilities: 1 critical, 1 high, 1 low)');
  const npm = text.indexOf('npm (1 vulnerability: 1 high)');
  assert.ok(debian > 0 && npm > debian, 'the target with the critical comes first');
  const rows = text.slice(debian).split('\n').slice(1, 5);
  assert.match(rows[0] ?? '', /^ {2}PACKAGE +INSTALLED +FIXED IN +VULNERABILITY +SEVERITY +TITLE$/);
  assert.match(rows[1] ?? '', /^ {2}zlib1g +1:1\.2\.13\.dfsg-1 +- +CVE-2023-45853 +CRITICAL +MiniZip in zlib/);
  assert.match(rows[2] ?? '', /^ {2}libc6 +2\.36-9\+deb12u3 +2\.36-9\+deb12u7 +CVE-2024-2961 +HIGH +iconv\(\) buffer overflow in ISO-2022-CN-EXT$/);
  assert.match(rows[3] ?? '', /^ {2}libssl3 +3\.0\.11-1~deb12u2 +- +CVE-2024-5535 +LOW /);
  assert.match(text, /\nVulnerabilities\n {2}4 vulnerabilities: 1 critical, 2 high, 1 low; 2 fixable \(a fixed version is published\), 2 not\n/);
  assert.equal(text.includes('pkg:deb/'), false, 'no package URL repeated in the rows');
});

test('the title wraps under itself within the terminal width; JSON keeps the full text', () => {
  const report = sampleReport({ findings: FINDINGS, checks: [] });
  report.command = 'scan';
  const text = renderTable(report, { color: false, width: 120 });
  const lines = text.split('\n');
  assert.ok(lines.every((l) => l.length <= 120), text);
  const start = lines.findIndex((l) => l.includes('CVE-2023-45853'));
  const column = (lines[start] ?? '').indexOf('MiniZip');
  assert.ok(column > 0);
  assert.equal(lines[start + 1]?.search(/\S/), column, 'the continuation starts under the title');
  assert.ok(FINDINGS[2]?.vulnerability?.summary?.endsWith('or extra field'));
  // Too narrow for a title column: the title goes below its row, indented, still within the width.
  const narrow = renderTable(report, { color: false, width: 80 }).split('\n');
  assert.ok(narrow.every((l) => l.length <= 80), narrow.filter((l) => l.length > 80).join('\n'));
  const row = narrow.findIndex((l) => l.includes('CVE-2023-45853'));
  assert.match(narrow[row] ?? '', /CRITICAL$/);
  assert.match(narrow[row + 1] ?? '', /^ {6}MiniZip in zlib/);
});
