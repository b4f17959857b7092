/**
 * `moat db` and `moat scan --sbom` as a user runs them: real files, a real database, the
 * report validated against the published schema, exit codes and one-line errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileSchema, FINDING_SCHEMA_URL, readJson } from '../src/report/test-support/ajv.ts';
import { tempDir } from '../src/knowledge/vuln/test-support/temp.ts';
import { ZipWriter } from '../src/knowledge/vuln/test-support/zip-writer.ts';
import { runMoat, type Run } from './support/moat-cli.ts';

const dir = tempDir('vuln-cli');
const db = path.join(dir, 'cache', 'osv.sqlite');

function moat(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return runMoat(args, { cwd: dir, env: { MOAT_DB: db, ...env }, timeoutMs: 60_000 });
}

const OLD = '2020-01-01T00:00:00Z';
const records = [
  { id: 'DSA-9100-1', modified: OLD, upstream: ['CVE-9999-9100'], summary: 'Synthetic test advisory: openssl', affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.15-1~deb12u1' }] }] }], severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }], references: [{ type: 'ADVISORY', url: 'https://example.invalid/DSA-9100-1' }] },
  { id: 'DEBIAN-CVE-9999-9100', modified: OLD, upstream: ['CVE-9999-9100'], affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.15-1~deb12u1' }] }] }] },
  { id: 'DEBIAN-CVE-9999-9101', modified: OLD, upstream: ['CVE-9999-9101'], affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: { urgency: 'low' } }] },
  { id: 'GHSA-9999-cccc-0001', modified: OLD, aliases: ['CVE-9999-9102'], affected: [{ package: { ecosystem: 'npm', name: '@acme/widget' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.1' }] }] }], database_specific: { severity: 'MODERATE' } },
  { id: 'CVE-9999-9199', modified: OLD, withdrawn: OLD, affected: [{ package: { ecosystem: 'npm', name: '@acme/widget' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] },
];

const cyclonedx = {
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  components: [
    { type: 'operating-system', name: 'debian', version: '12' },
    { type: 'library', name: 'libssl3', version: '3.0.13-1~deb12u1', purl: 'pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&upstream=openssl&distro=debian-12', properties: [{ name: 'syft:location:0:path', value: '/var/lib/dpkg/status' }] },
    { type: 'library', name: 'widget', version: '2.0.0', purl: 'pkg:npm/%40acme/widget@2.0.0', components: [{ type: 'library', name: 'nested', purl: 'pkg:npm/nested@1.0.0' }] },
    { type: 'library', name: 'no-purl' },
  ],
};

const spdx = {
  spdxVersion: 'SPDX-2.3',
  packages: [
    { SPDXID: 'SPDXRef-a', name: 'widget', versionInfo: '2.0.0', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/%40acme/widget@2.0.0' }] },
  ],
};

function write(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

test('db import, db status and scan --sbom end to end, with the report valid against the schema', async () => {
  const none = await moat(['scan', '--sbom', write('bom.cdx.json', cyclonedx)]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^moat: no vulnerability database at .*osv\.sqlite: run `moat db update`.*`moat db import FILE\.\.\.`/);

  mkdirSync(path.join(dir, 'osv'));
  const zip = new ZipWriter(path.join(dir, 'osv', 'all.zip'));
  for (const r of records) zip.add(`${r.id}.json`, JSON.stringify(r));
  zip.add('../escape.json', '{}');
  zip.close();
  const imported = await moat(['db', 'import', 'osv/all.zip']);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /4 records stored, 1 withdrawn, 0 duplicates, 1 skipped/);
  assert.match(imported.stdout, /1 +unsafe entry name \(a "\.\." component\)/);

  const status = await moat(['db', 'status']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /4 advisories/);
  assert.match(status.stdout, /Debian:12 +3\n/);
  const statusJson = JSON.parse((await moat(['db', 'status', '--format', 'json'])).stdout) as { ecosystems: Array<{ ecosystem: string; advisories: number }>; dataTime: string };
  assert.deepEqual(statusJson.ecosystems, [{ ecosystem: 'Debian:12', advisories: 3 }, { ecosystem: 'npm', advisories: 1 }]);
  assert.equal(statusJson.dataTime, OLD);

  const scan = await moat(['scan', '--sbom', 'bom.cdx.json', '--format', 'json', '--fail-on', 'critical']);
  assert.equal(scan.code, 1, scan.stderr);
  assert.match(scan.stderr, /moat: warning: the vulnerability database is \d+ days old \(older than 7\)/);
  assert.match(scan.stderr, /components\[3\] \(no-purl\) has no package URL/);
  const report = JSON.parse(scan.stdout) as { command: string; findings: Array<{ ruleId: string; severity: string; location: { file: string }; vulnerability: { id: string; ids: string[]; status: string; fixedVersion?: string } }> };
  const validate = compileSchema(readJson(FINDING_SCHEMA_URL) as object);
  assert.ok(validate(report), JSON.stringify(validate.errors, null, 1));
  assert.equal(report.command, 'scan');
  assert.deepEqual(report.findings.map((f) => [f.vulnerability.id, f.severity, f.vulnerability.status, f.vulnerability.fixedVersion]), [
    ['CVE-9999-9100', 'critical', 'fixed', '3.0.15-1~deb12u1'],
    ['CVE-9999-9102', 'medium', 'fixed', '2.0.1'],
    ['CVE-9999-9101', 'low', 'unfixed', undefined],
  ]);
  assert.deepEqual(report.findings[0]?.vulnerability.ids, ['CVE-9999-9100', 'DEBIAN-CVE-9999-9100', 'DSA-9100-1']);
  assert.equal(report.findings[0]?.location.file, 'var/lib/dpkg/status');

  const filtered = await moat(['scan', '--sbom', 'bom.cdx.json', '--format', 'json', '--ignore-unfixed', '--severity', 'critical,high', '--max-db-age', '100000', '--fail-on', 'none']);
  assert.equal(filtered.code, 0);
  assert.equal(filtered.stderr.includes('days old'), false);
  assert.deepEqual((JSON.parse(filtered.stdout) as typeof report).findings.map((f) => f.vulnerability.id), ['CVE-9999-9100']);

  const fromSpdx = await moat(['scan', '--sbom', write('bom.spdx.json', spdx), '--format', 'json', '--fail-on', 'medium']);
  assert.equal(fromSpdx.code, 1);
  assert.deepEqual((JSON.parse(fromSpdx.stdout) as typeof report).findings.map((f) => f.vulnerability.id), ['CVE-9999-9102']);

  for (const format of ['table', 'sarif', 'html']) {
    const r = await moat(['scan', '--sbom', 'bom.cdx.json', '--format', format, '--fail-on', 'none']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes('CVE-9999-9100'), format);
  }
});

test('an OpenVEX not_affected statement suppresses the finding and shows its justification', async () => {
  const vex = write('vex.json', {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': 'https://example.invalid/vex/1',
    author: 'test',
    timestamp: OLD,
    statements: [
      { vulnerability: { name: 'CVE-9999-9102' }, products: [{ '@id': 'pkg:npm/%40acme/widget' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
      { vulnerability: { name: 'CVE-9999-9100' }, products: [{ '@id': 'pkg:deb/debian/libssl3@9.9.9' }], status: 'not_affected', justification: 'component_not_present' },
    ],
  });
  const r = await moat(['scan', '--sbom', 'bom.cdx.json', '--vex', vex, '--format', 'json', '--fail-on', 'medium', '--max-db-age', '100000']);
  const report = JSON.parse(r.stdout) as { findings: Array<{ vulnerability: { id: string }; suppressed?: { reason: string } }>; summary: { suppressed: number } };
  const widget = report.findings.find((f) => f.vulnerability.id === 'CVE-9999-9102');
  assert.match(widget?.suppressed?.reason ?? '', /^VEX not_affected \(vulnerable_code_not_in_execute_path\), .*vex\.json$/);
  assert.equal(report.findings.find((f) => f.vulnerability.id === 'CVE-9999-9100')?.suppressed, undefined, 'another version of the product is not covered');
  assert.equal(report.summary.suppressed, 1);
  assert.equal(r.code, 1, 'the openssl finding still counts');
  const table = await moat(['scan', '--sbom', 'bom.cdx.json', '--vex', vex, '--verbose', '--fail-on', 'none', '--max-db-age', '100000']);
  assert.match(table.stdout, /vulnerable_code_not_in_execute_path/);
});

test('moat.yaml ignores a vulnerability by id with a reason, and warns when the ignore has expired', async () => {
  const sub = path.join(dir, 'with-config');
  mkdirSync(sub, { recursive: true });
  writeFileSync(path.join(sub, 'moat.yaml'), [
    'ignore:',
    '  - rule: package-vulnerable',
    '    subject: CVE-9999-9102',
    '    reason: widget is only used at build time',
    '  - rule: package-vulnerable',
    '    subject: "CVE-9999-91*"',
    '    reason: accepted until the upgrade',
    '    expires: 2020-01-01',
    '',
  ].join('\n'));
  const r = await moat(['scan', '--sbom', path.join(dir, 'bom.cdx.json'), '--config', path.join(sub, 'moat.yaml'), '--format', 'json', '--fail-on', 'none', '--max-db-age', '100000']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { config: string; warnings: Array<{ message: string }>; findings: Array<{ vulnerability: { id: string }; suppressed?: { reason: string } }> };
  assert.equal(report.findings.find((f) => f.vulnerability.id === 'CVE-9999-9102')?.suppressed?.reason, 'widget is only used at build time');
  assert.equal(report.findings.find((f) => f.vulnerability.id === 'CVE-9999-9100')?.suppressed, undefined, 'an expired ignore no longer suppresses');
  assert.match(report.warnings.map((w) => w.message).join('\n'), /moat\.yaml:\d+:\d+: the ignore of package-vulnerable for "CVE-9999-91\*" expired on 2020-01-01/);
  assert.match(r.stderr, /moat: warning: .*expired on 2020-01-01/);
  assert.ok(report.config.endsWith('moat.yaml'));
});

test('db update downloads from --source, then reports every ecosystem unchanged', async () => {
  const { createServer } = await import('node:http');
  const { readFileSync } = await import('node:fs');
  const zipFile = path.join(dir, 'served.zip');
  const zip = new ZipWriter(zipFile);
  for (const r of records.slice(3)) zip.add(`${r.id}.json`, JSON.stringify(r));
  zip.close();
  const body = readFileSync(zipFile);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers['if-none-match'] ?? '-'}`);
    if (req.url !== '/osv/npm/all.zip') return void res.writeHead(404).end();
    if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
    res.writeHead(200, { etag: '"v1"', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const source = `http://127.0.0.1:${(server.address() as { port: number }).port}/osv`;
    const env = { MOAT_DB: path.join(dir, 'updated', 'osv.sqlite') };
    const first = await moat(['db', 'update', '--source', source, '--ecosystem', 'npm'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^npm \(0\.0 MB downloaded\): 1 records stored, 1 withdrawn/m);
    assert.equal(first.stderr, '', 'no progress output without a terminal');
    const second = await moat(['db', 'update', '--source', source, '--ecosystem', 'npm'], env);
    assert.match(second.stdout, /npm: unchanged since the last update \(not downloaded\)\n.*\(unchanged\)/s);
    assert.deepEqual(requests, ['GET /osv/npm/all.zip -', 'GET /osv/npm/all.zip "v1"']);
  } finally {
    server.close();
  }
});

test("scan TARGET reads an image or root file system through the image analyzers: this machine's dpkg status", async () => {
  const { copyFileSync, realpathSync } = await import('node:fs');
  const { readDpkgStatus } = await import('../src/knowledge/vuln/test-support/dpkg-status.ts');
  const root = path.join(dir, 'rootfs');
  mkdirSync(path.join(root, 'var/lib/dpkg'), { recursive: true });
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  copyFileSync('/var/lib/dpkg/status', path.join(root, 'var/lib/dpkg/status'));
  copyFileSync(realpathSync('/etc/os-release'), path.join(root, 'etc/os-release'));
  // One advisory for a real installed source package whose binary name differs from it, fixed just after it.
  const pkg = readDpkgStatus().find((p) => p.source !== undefined && p.source.name !== p.name) as { name: string; source: { name: string; version: string } };
  const release = /VERSION_ID="?(\d+)/.exec((await import('node:fs')).readFileSync('/etc/os-release', 'utf8'))?.[1];
  const records = path.join(dir, 'rootfs-records');
  mkdirSync(records, { recursive: true });
  writeFileSync(path.join(records, 'a.json'), JSON.stringify({
    id: 'DEBIAN-CVE-9999-9300', modified: OLD, upstream: ['CVE-9999-9300'],
    affected: [{ package: { ecosystem: `Debian:${release}`, name: pkg.source.name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${pkg.source.version}+deb${release}u1` }] }] }],
  }));
  const env = { MOAT_DB: path.join(dir, 'rootfs-db', 'osv.sqlite') };
  assert.equal((await moat(['db', 'import', records], env)).code, 0);
  const r = await moat(['scan', `rootfs:${root}`, '--format', 'json', '--fail-on', 'none', '--max-db-age', '100000'], env);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { target: { description: string }; findings: Array<{ location: { file: string }; vulnerability: { id: string; matchedAs: { name: string }; package: { name: string } } }> };
  assert.ok(report.findings.length > 0);
  assert.ok(report.findings.every((f) => f.vulnerability.id === 'CVE-9999-9300' && f.vulnerability.matchedAs.name === pkg.source.name));
  assert.ok(report.findings.some((f) => f.vulnerability.package.name === pkg.name), `the binary package ${pkg.name} is reported`);
  assert.equal(report.findings[0]?.location.file, 'var/lib/dpkg/status');
  assert.match(report.target.description, /packages, debian/);
});

test('bad input gets a one-line, located error', async () => {
  const cases: Array<[string[], RegExp, number]> = [
    [['scan'], /give a TARGET \(an image, rootfs:DIR, \.\.\.\) or --sbom FILE/, 2],
    [['scan', 'rootfs:/nonexistent-dir', '--sbom', 'bom.cdx.json'], /give one TARGET, --rootfs DIR or --sbom FILE/, 2],
    [['scan', 'rootfs:/nonexistent-dir', '--platform', 'amd64'], /--platform "amd64" is not os\/arch/, 2],
    [['scan', '--sbom', write('broken.json', '{"bomFormat": "CycloneDX", ')], /--sbom .*broken\.json: not JSON/, 2],
    [['scan', '--sbom', write('wrong.json', { bomFormat: 'CycloneDX', specVersion: '1.2' })], /not a CycloneDX 1\.4–1\.6 document: specVersion: /, 2],
    [['scan', '--sbom', write('deep.json', '['.repeat(10000))], /nested deeper than 64 levels/, 2],
    [['scan', '--sbom', 'bom.cdx.json', '--severity', 'severe'], /unknown --severity "severe"/, 2],
    [['scan', '--sbom', 'bom.cdx.json', '--vex', write('novex.json', { statements: [] })], /--vex .*novex\.json: not an OpenVEX document: @context/, 2],
    [['db'], /Usage: moat db/, 2],
    [['db', 'import'], /give at least one OSV/, 2],
    [['db', 'import', 'nothing-here.zip'], /nothing-here\.zip: no such file or directory/, 2],
    [['db', 'frobnicate'], /unknown db command "frobnicate"/, 2],
    [['db', 'update', '--source', 'file:///etc'], /give an http:\/\/ or https:\/\/ URL/, 2],
  ];
  for (const [args, pattern, code] of cases) {
    const r = await moat(args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    const text = args.length === 1 && args[0] === 'db' ? r.stdout : r.stderr;
    assert.match(text, pattern, args.join(' '));
    if (text === r.stderr) assert.equal(r.stderr.trim().split('\n').filter((l) => !l.includes('warning')).length, 1, r.stderr);
  }
});
