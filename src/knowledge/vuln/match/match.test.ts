import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Inventory, OsRelease, Package } from '../../../models/inventory.ts';
import { databaseOf } from '../test-support/build-db.ts';
import type { OsvJson } from '../test-support/osv-generator.ts';
import { tempDir } from '../test-support/temp.ts';
import { matchInventory } from './match.ts';

const dir = tempDir('match');
const T = '9999-01-01T00:00:00Z';

function rec(id: string, affected: object[], extra: Partial<OsvJson> = {}): OsvJson {
  return { id, modified: T, summary: `Synthetic test advisory ${id}`, affected, ...extra };
}
function eco(ecosystem: string, name: string, events: object[], extra: object = {}): object {
  return { package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events }], ...extra };
}
function semverRange(ecosystem: string, name: string, events: object[]): object {
  return { package: { ecosystem, name }, ranges: [{ type: 'SEMVER', events }] };
}
function pkg(type: Package['type'], name: string, version: string, extra: Partial<Package> = {}): Package {
  return { type, name, version, purl: `pkg:${type}/${name}@${version}`, foundIn: 'test/manifest', analyzer: 'test', ...extra };
}
function inv(packages: Package[], os?: OsRelease): Inventory {
  return { ...(os ? { os } : {}), packages, analyzers: [], problems: [] };
}
const debian = (versionId: string): OsRelease => ({ id: 'debian', versionId, idLike: [], foundIn: 'etc/os-release' });

test('a CVE told by a DSA, a DLA and a DEBIAN-CVE record is one finding listing every id', async () => {
  const db = await databaseOf(dir, [
    rec('DSA-9001-1', [eco('Debian:11', 'openssl', [{ introduced: '0' }, { fixed: '1.1.1w-0+deb11u2' }])], { upstream: ['CVE-9999-0001'] }),
    rec('DLA-9002-1', [eco('Debian:11', 'openssl', [{ introduced: '0' }, { fixed: '1.1.1w-0+deb11u3' }])], { upstream: ['CVE-9999-0001'] }),
    rec('DEBIAN-CVE-9999-0001', [eco('Debian:11', 'openssl', [{ introduced: '0' }, { fixed: '1.1.1w-0+deb11u2' }])], { upstream: ['CVE-9999-0001'] }),
    // A DSA fixing two CVEs joins the findings of both, and merges neither into the other.
    rec('DSA-9003-1', [eco('Debian:11', 'openssl', [{ introduced: '0' }, { fixed: '1.1.1w-0+deb11u4' }])], { upstream: ['CVE-9999-0001', 'CVE-9999-0002'] }),
    rec('DEBIAN-CVE-9999-0002', [eco('Debian:11', 'openssl', [{ introduced: '0' }, { fixed: '1.1.1w-0+deb11u4' }])], { upstream: ['CVE-9999-0002'] }),
  ]);
  const r = matchInventory(db, inv([pkg('deb', 'libssl1.1', '1.1.1w-0+deb11u1', { source: { name: 'openssl' } })], debian('11.9')));
  db.close();
  assert.deepEqual(
    r.findings.map((f) => f.vulnerability?.ids),
    [
      ['CVE-9999-0001', 'DEBIAN-CVE-9999-0001', 'DLA-9002-1', 'DSA-9001-1', 'DSA-9003-1'],
      ['CVE-9999-0002', 'DEBIAN-CVE-9999-0002', 'DSA-9003-1'],
    ].sort((a, b) => (a[0] as string).localeCompare(b[0] as string)),
  );
  const first = r.findings.find((f) => f.vulnerability?.id === 'CVE-9999-0001');
  assert.equal(first?.vulnerability?.fixedVersion, '1.1.1w-0+deb11u4', 'the fix that resolves every advisory of the group');
  assert.equal(first?.vulnerability?.matchedAs.name, 'openssl');
  assert.match(first?.message ?? '', /libssl1\.1 1\.1\.1w-0\+deb11u1 \(source package openssl 1\.1\.1w-0\+deb11u1\) is affected by CVE-9999-0001/);
  assert.equal(first?.ruleId, 'package-vulnerable');
  assert.equal(first?.subject.kind, 'package');
});

test('maps Ubuntu and Alpine releases to their OSV ecosystems, and Alpine packages by origin', async () => {
  const db = await databaseOf(dir, [
    rec('UBUNTU-CVE-9999-0010', [eco('Ubuntu:22.04:LTS', 'curl', [{ introduced: '0' }, { fixed: '7.81.0-1ubuntu1.16' }])], { severity: [{ type: 'Ubuntu', score: 'high' }] }),
    rec('UBUNTU-CVE-9999-0011', [eco('Ubuntu:23.10', 'curl', [{ introduced: '0' }])]),
    rec('ALPINE-CVE-9999-0012', [eco('Alpine:v3.20', 'openssl', [{ introduced: '0' }, { fixed: '3.3.2-r0' }])]),
    rec('ALPINE-CVE-9999-0013', [eco('Alpine:v3.19', 'openssl', [{ introduced: '0' }])]),
  ]);
  const ubuntu = matchInventory(db, inv([pkg('deb', 'libcurl4', '7.81.0-1ubuntu1.15', { source: { name: 'curl' } })], { id: 'ubuntu', versionId: '22.04', idLike: ['debian'], foundIn: 'etc/os-release' }));
  assert.deepEqual(ubuntu.findings.map((f) => [f.vulnerability?.id, f.severity, f.vulnerability?.severitySource]), [['UBUNTU-CVE-9999-0010', 'high', 'database']]);
  const alpine = matchInventory(db, inv([pkg('apk', 'libcrypto3', '3.3.1-r0', { source: { name: 'openssl' } })], { id: 'alpine', versionId: '3.20.3', idLike: [], foundIn: 'etc/os-release' }));
  assert.deepEqual(alpine.findings.map((f) => f.vulnerability?.id), ['ALPINE-CVE-9999-0012']);
  const none = matchInventory(db, inv([pkg('apk', 'libcrypto3', '3.3.1-r0', { source: { name: 'openssl' } })]));
  assert.equal(none.findings.length, 0);
  assert.match(none.notMatched[0]?.reason ?? '', /no os-release/);
  db.close();
});

test('language ecosystems: PyPI name normalisation, npm scopes, Maven group:artifact, Go modules and the standard library', async () => {
  const db = await databaseOf(dir, [
    rec('PYSEC-9999-1', [eco('PyPI', 'Zope.Interface', [{ introduced: '0' }, { fixed: '5.0' }])], { aliases: ['GHSA-9999-pppp-0001'] }),
    rec('GHSA-9999-pppp-0001', [eco('PyPI', 'zope-interface', [{ introduced: '0' }, { fixed: '5.0' }])], {
      aliases: ['PYSEC-9999-1', 'CVE-9999-0100'],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      database_specific: { severity: 'LOW' },
    }),
    rec('GHSA-9999-nnnn-0002', [semverRange('npm', '@scope/pkg', [{ introduced: '0' }, { fixed: '2.0.0' }])], { database_specific: { severity: 'MODERATE' } }),
    rec('GHSA-9999-nnnn-0003', [semverRange('npm', 'pkg', [{ introduced: '0' }])]),
    rec('GHSA-9999-mmmm-0004', [eco('Maven', 'org.example:lib', [{ introduced: '2.0' }, { fixed: '2.17.1' }])]),
    rec('GO-9999-0005', [semverRange('Go', 'example.invalid/mod', [{ introduced: '0' }, { fixed: '1.4.0' }])]),
    rec('GO-9999-0006', [semverRange('Go', 'stdlib', [{ introduced: '1.21.0-0' }, { fixed: '1.21.5' }])]),
    rec('GHSA-9999-limit-0007', [{ package: { ecosystem: 'npm', name: 'limited' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { limit: '1.5.0' }] }] }]),
  ]);
  const r = matchInventory(db, inv([
    pkg('pypi', 'zope_interface', '4.7.1'),
    pkg('npm', '@scope/pkg', '1.9.9'),
    pkg('npm', 'pkg', '1.0.0'),
    pkg('maven', 'org.example:lib', '2.14.0'),
    pkg('maven', 'org.example:lib', '2.17.1', { foundIn: 'other.jar' }),
    pkg('golang', 'example.invalid/mod', 'v1.3.9'),
    pkg('golang', 'stdlib', 'go1.21.4'),
    pkg('npm', 'limited', '1.4.0'),
    pkg('npm', 'limited', '1.5.0', { foundIn: 'second' }),
    pkg('rpm', 'bash', '5.1-1.el9'),
  ]));
  db.close();
  const got = r.findings.map((f) => `${f.vulnerability?.id} ${f.subject.name} ${f.severity} ${f.vulnerability?.status}`).sort();
  assert.deepEqual(got, [
    'CVE-9999-0100 zope_interface@4.7.1 critical fixed',
    'GHSA-9999-limit-0007 limited@1.4.0 medium unfixed',
    'GHSA-9999-mmmm-0004 org.example:lib@2.14.0 medium fixed',
    'GHSA-9999-nnnn-0002 @scope/pkg@1.9.9 medium fixed',
    'GHSA-9999-nnnn-0003 pkg@1.0.0 medium unfixed',
    'GO-9999-0005 example.invalid/mod@v1.3.9 medium fixed',
    'GO-9999-0006 stdlib@go1.21.4 medium fixed',
  ]);
  const pypi = r.findings.find((f) => f.vulnerability?.id === 'CVE-9999-0100');
  assert.deepEqual(pypi?.vulnerability?.ids, ['CVE-9999-0100', 'GHSA-9999-pppp-0001', 'PYSEC-9999-1']);
  assert.deepEqual(pypi?.vulnerability?.cvss, { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 });
  assert.equal(r.findings.find((f) => f.vulnerability?.id === 'GHSA-9999-mmmm-0004')?.vulnerability?.severitySource, 'unrated');
  assert.deepEqual(r.notMatched, [{ package: 'bash@5.1-1.el9 (test/manifest)', reason: 'no OSV ecosystem for rpm packages' }]);

  const filtered = matchInventory(await databaseOf(dir, [
    rec('GHSA-9999-aaaa-0008', [semverRange('npm', 'a', [{ introduced: '0' }, { fixed: '2.0.0' }])], { database_specific: { severity: 'LOW' } }),
    rec('GHSA-9999-aaaa-0009', [semverRange('npm', 'a', [{ introduced: '0' }])], { database_specific: { severity: 'HIGH' } }),
  ]), inv([pkg('npm', 'a', '1.0.0')]), { severities: ['critical', 'high', 'medium'], ignoreUnfixed: true });
  assert.deepEqual(filtered.findings.map((f) => f.vulnerability?.id), []);
  assert.deepEqual(filtered.hidden, { unfixed: 1, bySeverity: 1 });
});

test('an installed version the scheme cannot read is reported, not guessed at', async () => {
  const db = await databaseOf(dir, [rec('GHSA-9999-bbbb-0010', [semverRange('npm', 'weird', [{ introduced: '0' }])])]);
  const r = matchInventory(db, inv([pkg('npm', 'weird', 'not-a-version')]));
  db.close();
  assert.equal(r.findings.length, 0);
  assert.deepEqual(r.notMatched, [{ package: 'weird@not-a-version (test/manifest)', reason: 'installed version "not-a-version" is not a valid semver version' }]);
});
