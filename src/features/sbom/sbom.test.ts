import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sbom, renderSbom } from './sbom.ts';
import { scanImage, type ImageScan } from '../../doors/image/scan.ts';
import { cycloneDxValidator, spdxValidator } from '../../report/sbom/test-support/schemas.ts';
import { compileSchema, readJson } from '../../report/test-support/ajv.ts';
import { INVENTORY_SCHEMA_VERSION } from '../../report/sbom/json.ts';
import { debianFiles, dir, dockerSaveLegacy, file, makeTar } from '../../../test/support/tar.ts';

interface Named {
  name: string;
  type: string;
  SPDXID: string;
  [k: string]: unknown;
}
/** The parts of the documents the tests read. */
interface Doc {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; component: { type: string; name: string; version: string }; properties: Array<{ name: string; value: string }> };
  components: Array<Named & { purl: string; evidence: { occurrences: Array<{ location: string; additionalContext: string }> }; version: string; licenses: unknown }>;
  dependencies: Array<{ dependsOn: string[] }>;
  spdxVersion: string;
  creationInfo: { created: string };
  packages: Array<Named & { externalRefs: Array<{ referenceLocator: string }> }>;
  relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
  files: Array<{ SPDXID: string; fileName: string; comment: string; checksums: Array<{ algorithm: string; checksumValue: string }> }>;
  comment: string;
}

let work: string;
let scan: ImageScan;
const now = new Date('2026-11-30T12:00:00.000Z');
const serial = '3f1b8d0e-0000-4000-8000-000000000001';

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'moat-sbom-'));
  const l1 = await makeTar([
    ...debianFiles('Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.15-1~deb12u1\n'),
    dir('var/lib/dpkg/info/'),
    file('var/lib/dpkg/info/libssl3:amd64.list', '/usr/lib/x86_64-linux-gnu/libssl.so.3\n'),
  ]);
  const l2 = await makeTar([
    dir('var/'),
    dir('var/lib/'),
    dir('var/lib/dpkg/'),
    file('var/lib/dpkg/status', 'Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.15-1~deb12u1\n\nPackage: curl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 7.88.1-10+deb12u8\n\nbroken line\n'),
    dir('var/lib/dpkg/info/'),
    file('var/lib/dpkg/info/curl.list', '/usr/bin/curl\n'),
    dir('lib/'),
    dir('lib/apk/'),
    dir('lib/apk/db/'),
    file('lib/apk/db/installed', 'P:busybox\nV:1.36.1-r29\nA:x86_64\nL:GPL-2.0-only\no:busybox\n'),
  ]);
  const path = join(work, 'img.tar');
  writeFileSync(path, await dockerSaveLegacy([l1, l2], { tag: 'example.com/team/app:1.2' }));
  scan = await scanImage(`docker-archive:${path}`);
});
after(() => rmSync(work, { recursive: true, force: true }));

test('CycloneDX 1.6 is valid against the official schema and carries file and layer evidence', () => {
  const text = renderSbom(scan, 'cyclonedx', { now, serial });
  const doc = JSON.parse(text) as Doc;
  const validate = cycloneDxValidator();
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
  assert.equal(doc.specVersion, '1.6');
  assert.equal(doc.serialNumber, `urn:uuid:${serial}`);
  assert.equal(doc.metadata.timestamp, '2026-11-30T12:00:00.000Z');
  assert.deepEqual([doc.metadata.component.type, doc.metadata.component.name, doc.metadata.component.version], ['container', 'example.com/team/app', '1.2']);
  const curl = doc.components.find((c) => c.name === 'curl');
  assert.ok(curl);
  assert.equal(curl.purl, 'pkg:deb/debian/curl@7.88.1-10+deb12u8?arch=amd64&distro=debian-12');
  assert.equal(curl.evidence.occurrences[0]?.location, '/var/lib/dpkg/status');
  assert.match(curl.evidence.occurrences[0]?.additionalContext ?? '', new RegExp(`^layer 2 ${scan.layers[1]?.diffId}: layer 2$`));
  const os = doc.components.find((c) => c.type === 'operating-system');
  assert.ok(os);
  assert.deepEqual([os.name, os.version], ['debian', '12']);
  const busybox = doc.components.find((c) => c.name === 'busybox');
  assert.ok(busybox);
  assert.deepEqual(busybox.licenses, [{ license: { name: 'GPL-2.0-only' } }]);
  assert.ok(doc.metadata.properties.some((p) => p.name === 'moat:problem' && /broken line/.test(p.value)), 'problems are in the document');
  assert.equal(doc.dependencies[0]?.dependsOn.length, doc.components.length);
});

test('SPDX 2.3 is valid against the specification schema, each package evident by its database file', () => {
  const doc = JSON.parse(renderSbom(scan, 'spdx', { now, serial })) as Doc;
  const validate = spdxValidator();
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
  assert.equal(doc.spdxVersion, 'SPDX-2.3');
  assert.equal(doc.creationInfo.created, '2026-11-30T12:00:00Z');
  const ids = new Set(doc.packages.map((p) => p.SPDXID));
  assert.equal(ids.size, doc.packages.length, 'unique SPDX ids');
  const pkg = doc.packages.find((p) => p.name === 'curl');
  assert.ok(pkg);
  assert.equal(pkg.externalRefs[0]?.referenceLocator, 'pkg:deb/debian/curl@7.88.1-10+deb12u8?arch=amd64&distro=debian-12');
  const evident = doc.relationships.find((r) => r.spdxElementId === pkg.SPDXID && r.relationshipType === 'OTHER');
  const statusFile = doc.files.find((f) => f.SPDXID === evident?.relatedSpdxElement);
  assert.ok(statusFile);
  assert.equal(statusFile.fileName, './var/lib/dpkg/status');
  assert.equal(statusFile.checksums.find((c) => c.algorithm === 'SHA256')?.checksumValue, scan.files.stat('var/lib/dpkg/status')?.digests?.sha256);
  assert.match(statusFile.comment, /^layer 2 sha256:/);
  assert.match(doc.comment, /broken line/);
});

test('table and json', async () => {
  const table = renderSbom(scan, 'table', { now });
  assert.match(table, /^docker-archive:.*img\.tar \(sha256:[0-9a-f]{12}…, 2 layers, linux\/amd64\)\nOS: Debian GNU\/Linux 12 \(bookworm\) \(from \/usr\/lib\/os-release\)\n3 packages\n/);
  assert.match(table, /\nlibssl3 +3\.0\.15-1~deb12u1 +openssl +deb +1 +\/var\/lib\/dpkg\/status\n/);
  assert.match(table, /\ncurl +7\.88\.1-10\+deb12u8 +deb +2 +\/var\/lib\/dpkg\/status\n/);
  assert.match(table, /1 problem \(the inventory is incomplete there\):\n {2}dpkg: .*broken line/);
  const json = JSON.parse(renderSbom(scan, 'json', { now })) as { schemaVersion: string; packages: unknown[]; layers: unknown[]; image: { id: string } };
  const validate = compileSchema(readJson(new URL('../../../docs/inventory.schema.json', import.meta.url)) as object);
  assert.ok(validate(json), JSON.stringify(validate.errors, null, 2));
  assert.equal(json.schemaVersion, INVENTORY_SCHEMA_VERSION);
  const schema = readJson(new URL('../../../docs/inventory.schema.json', import.meta.url)) as { properties: { schemaVersion: { const: string } } };
  assert.equal(schema.properties.schemaVersion.const, INVENTORY_SCHEMA_VERSION, 'schema and code agree on the version');
  assert.equal(json.packages.length, 3);
  assert.equal(json.layers.length, 2);
  assert.equal(json.image.id, scan.image?.id);
  const { text } = await sbom(scan.target.name, { format: 'json', now });
  assert.deepEqual(JSON.parse(text), json, 'the library call gives the same document');
});
