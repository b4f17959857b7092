/**
 * A real Debian 12 (debootstrap, imported into the engine) and an image that
 * apt-installs curl and openssl over it. The oracle is dpkg itself: `dpkg-query` on the
 * same root file system, and on Docker's own export of the two-layer image.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { scanImage } from '../../src/doors/image/scan.ts';
import type { Inventory } from '../../src/models/inventory.ts';
import type { ImageScan } from '../../src/doors/image/scan.ts';
import { DEBIAN_IMAGES, dockerExport, ensureDebianImages, ensureDebianRootfs } from '../support/images.ts';

const run = promisify(execFile);
let work: string;
let rootfs: string;
let curlScan: ImageScan;
let exported: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'moat-debian-'));
  rootfs = await ensureDebianRootfs();
  await ensureDebianImages();
  curlScan = await scanImage(DEBIAN_IMAGES.curl);
  exported = join(work, 'curl-export');
  await dockerExport(DEBIAN_IMAGES.curl, exported);
});
after(() => rmSync(work, { recursive: true, force: true }));

/** dpkg's own view: every package whose files are present, with source name and version. */
async function dpkgQuery(root: string): Promise<string[]> {
  const { stdout } = await run('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Package} ${Architecture} ${Version} ${source:Package} ${source:Version}\n', `--admindir=${join(root, 'var/lib/dpkg')}`]);
  return stdout
    .split('\n')
    .filter((l) => l !== '' && !/^(not-installed|config-files|half-installed) /.test(l))
    .map((l) => l.slice(l.indexOf(' ') + 1))
    .sort();
}

function moatList(inv: Inventory): string[] {
  return inv.packages.filter((p) => p.type === 'deb').map((p) => `${p.name} ${p.arch} ${p.version} ${p.source?.name} ${p.source?.version}`).sort();
}

test('dpkg analyzer on the debootstrap root file system equals dpkg-query', async () => {
  const scan = await scanImage({ kind: 'rootfs', dir: rootfs });
  const expected = await dpkgQuery(rootfs);
  assert.ok(expected.length > 80, `debootstrap minbase has ${expected.length} packages`);
  assert.deepEqual(moatList(scan.inventory), expected);
  assert.equal(scan.inventory.os?.id, 'debian');
  assert.equal(scan.inventory.os?.versionId, '12');
  assert.equal(scan.inventory.os?.foundIn, 'usr/lib/os-release', 'etc/os-release is a symlink, followed inside the root');
  assert.deepEqual(scan.inventory.problems, []);
});

test('the two-layer image from the engine equals dpkg-query on docker export of it', async () => {
  const scan = curlScan;
  const expected = await dpkgQuery(exported);
  assert.deepEqual(moatList(scan.inventory), expected);
  assert.equal(scan.layers.length, 2);
  assert.equal(scan.image?.layout, 'docker-save-legacy', 'the engine here writes the legacy layout');
  const curl = scan.inventory.packages.find((p) => p.name === 'curl');
  assert.ok(curl, 'curl is found');
  assert.equal(curl.layer, scan.layers[1]?.diffId, 'the status file was last written by the apt layer');
  assert.equal(curl.addedIn, scan.layers[1]?.diffId, 'curl was installed by the second layer');
  assert.match(curl.purl, /^pkg:deb\/debian\/curl@[^?]+\?arch=amd64&distro=debian-12$/);
  const bash = scan.inventory.packages.find((p) => p.name === 'bash');
  assert.equal(bash?.addedIn, scan.layers[0]?.diffId, 'bash came with the base layer');
  const libssl = scan.inventory.packages.find((p) => p.name === 'libssl3');
  assert.equal(libssl?.source?.name, 'openssl', 'binary packages name their source package');
  assert.deepEqual(scan.inventory.problems, []);
});

test('the merged view of the apt layer equals docker export (apt deletes files: whiteouts)', async () => {
  const scan = curlScan;
  const { stdout } = await run('find', [exported, '-mindepth', '1', '-printf', '%P %y %m %U:%G\\n'], { maxBuffer: 64 * 1024 * 1024 });
  const init = /^(\.dockerenv|dev|dev\/\S+|etc\/(hostname|hosts|resolv\.conf|mtab)|proc|sys) /;
  const expected = stdout.split('\n').filter((l) => l !== '' && !init.test(l)).sort();
  const typeLetter = { file: 'f', dir: 'd', symlink: 'l', char: 'c', block: 'b', fifo: 'p' } as const;
  const got = [...scan.files.walk()].map((f) => `${f.path} ${typeLetter[f.type]} ${f.mode.toString(8)} ${f.uid}:${f.gid}`).filter((l) => !init.test(l)).sort();
  assert.ok(expected.length > 5000);
  assert.deepEqual(got, expected);
  assert.equal(scan.files.stat('var/lib/apt/lists/lock'), undefined, 'files the apt layer deleted are gone');
});

test('engine stream and docker save archive give the same inventory and layers', async () => {
  const archive = join(work, 'curl.tar');
  await run('docker', ['save', '-o', archive, DEBIAN_IMAGES.curl]);
  const [fromEngine, fromArchive] = [curlScan, await scanImage(`docker-archive:${archive}`)];
  assert.deepEqual(fromArchive.inventory, fromEngine.inventory);
  assert.deepEqual(fromArchive.layers, fromEngine.layers);
  assert.equal(fromArchive.image?.id, fromEngine.image?.id);
  assert.deepEqual(fromArchive.image?.spec.repoTags, [DEBIAN_IMAGES.curl]);
});

test('the base image equals the root file system it was imported from', async () => {
  const [image, dir] = [await scanImage(DEBIAN_IMAGES.base), await scanImage({ kind: 'rootfs', dir: rootfs })];
  const strip = (inv: Inventory) => inv.packages.map(({ layer: _l, addedIn: _a, ...p }) => p);
  assert.deepEqual(strip(image.inventory), strip(dir.inventory));
  assert.deepEqual(image.inventory.os, dir.inventory.os);
});
