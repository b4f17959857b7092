/**
 * Every archive layout and compression Moat reads, digest checks, and hostile archives:
 * each must give the right answer or one clear error, never write outside Moat's temp
 * space, and leave that space empty afterwards.
 */
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { scanImage, type ImageScan } from '../../src/doors/image/scan.ts';
import { MoatError } from '../../src/util/errors.ts';
import { debianFiles, dir, dockerSaveLegacy, dockerSaveOci, file, hardlink, imageConfig, makeTar, ociArchive, ociDirectory, ociMultiPlatform, setDeclaredSize, symlink, type Entry } from '../support/tar.ts';

let work: string;
let scratch: string;
const realTmp = process.env.TMPDIR;

const STATUS = `Package: libfoo1
Status: install ok installed
Architecture: amd64
Source: foo (1.2-3)
Version: 1.2-3+b1

Package: gone
Status: deinstall ok config-files
Architecture: amd64
Version: 0.1

Package: bar
Status: install ok installed
Architecture: all
Version: 2:4.5-6
`;

const base: Entry[] = debianFiles(STATUS);
const upper: Entry[] = [dir('usr/'), dir('usr/bin/'), file('usr/bin/tool', 'bin', 0o4755), file('var/lib/dpkg/.wh.status', '')];
const upperAgain: Entry[] = [dir('var/'), dir('var/lib/'), dir('var/lib/dpkg/'), file('var/lib/dpkg/status', STATUS.replace('bar', 'baz'))];

let layers: Buffer[];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'moat-archive-'));
  layers = [await makeTar(base), await makeTar(upper), await makeTar(upperAgain)];
});
after(() => rmSync(work, { recursive: true, force: true }));

// Every scan runs with its own TMPDIR, which must be empty again afterwards.
beforeEach(() => {
  scratch = mkdtempSync(join(work, 'tmp-'));
  process.env.TMPDIR = scratch;
});
afterEach(() => {
  if (realTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = realTmp;
  assert.deepEqual(readdirSync(scratch), [], 'Moat left files in its temp directory');
});

function write(name: string, bytes: Buffer): string {
  const p = join(work, name);
  writeFileSync(p, bytes);
  return p;
}

function summary(s: ImageScan): object {
  return {
    os: s.inventory.os,
    packages: s.inventory.packages.map((p) => `${p.name} ${p.version} ${p.source?.name} ${p.source?.version} ${p.purl} ${p.foundIn} ${p.layer === s.layers[2]?.diffId ? 'layer3' : p.layer}`),
    diffIds: s.layers.map((l) => l.diffId),
    files: [...s.files.walk()].map((f) => `${f.path} ${f.type} ${f.mode.toString(8)} ${f.layer?.index ?? '-'}`),
    problems: s.inventory.problems,
  };
}

async function rejects(target: string, pattern: RegExp): Promise<MoatError> {
  try {
    await scanImage(target);
  } catch (e) {
    assert.ok(e instanceof MoatError, `expected a MoatError, got ${(e as Error).stack}`);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n/, 'one line');
    return e;
  }
  assert.fail(`${target} was accepted`);
}

test('every layout and compression gives the same image', async () => {
  const legacy = await scanImage(`docker-archive:${write('legacy.tar', await dockerSaveLegacy(layers, { tag: 'moat-test/x:1' }))}`);
  const expected = summary(legacy);
  assert.deepEqual((expected as { packages: string[] }).packages, [
    'baz 2:4.5-6 baz 2:4.5-6 pkg:deb/debian/baz@2:4.5-6?arch=all&distro=debian-12 var/lib/dpkg/status layer3',
    'libfoo1 1.2-3+b1 foo 1.2-3 pkg:deb/debian/libfoo1@1.2-3+b1?arch=amd64&distro=debian-12 var/lib/dpkg/status layer3',
  ]);
  assert.equal(legacy.image?.layout, 'docker-save-legacy');
  const variants: Array<[string, string, string]> = [
    ['legacy, gzipped layers', `docker-archive:${write('legacy-gz.tar', await dockerSaveLegacy(layers, { compress: 'gzip' }))}`, 'docker-save-legacy'],
    ['legacy, whole archive gzipped', write('legacy.tar.gz', gzipSync(await dockerSaveLegacy(layers))), 'docker-save-legacy'],
    ['docker 25+ OCI save (symlinked legacy names)', `docker-archive:${write('oci-save.tar', await dockerSaveOci(layers))}`, 'docker-save-oci'],
    ['OCI archive, gzip', `oci-archive:${write('oci-gzip.tar', await ociArchive(layers, { compress: 'gzip' }))}`, 'oci'],
    ['OCI archive, zstd', `oci-archive:${write('oci-zstd.tar', await ociArchive(layers, { compress: 'zstd' }))}`, 'oci'],
    ['OCI archive, uncompressed', `oci-archive:${write('oci-none.tar', await ociArchive(layers, { compress: 'none' }))}`, 'oci'],
  ];
  const gzDir = join(work, 'oci-dir-gzip');
  const zsDir = join(work, 'oci-dir-zstd');
  ociDirectory(gzDir, layers, { compress: 'gzip' });
  ociDirectory(zsDir, layers, { compress: 'zstd' });
  variants.push(['OCI directory, gzip', `oci:${gzDir}`, 'oci'], ['OCI directory, zstd', `oci:${zsDir}`, 'oci']);
  for (const [what, target, layout] of variants) {
    const s = await scanImage(target);
    assert.deepEqual(summary(s), expected, what);
    assert.equal(s.image?.layout, layout, what);
    assert.equal(s.image?.id, legacy.image?.id, `${what}: same config, same image id`);
  }
  const zstd = await scanImage(`oci:${zsDir}`);
  assert.deepEqual(zstd.layers.map((l) => l.compression), ['zstd', 'zstd', 'zstd']);
});

test('a layer whose bytes do not match its diff_id is refused', async () => {
  const tampered = await makeTar([...base, file('etc/extra', 'added after the config was made')]);
  const archive = await dockerSaveLegacy(layers, { layerOverride: new Map([[0, tampered]]) });
  await rejects(`docker-archive:${write('tampered.tar', archive)}`, /layer 1 of 3 .*digest mismatch \(expected sha256:[0-9a-f]{64}, read sha256:[0-9a-f]{64}\).*altered/);
});

test('an OCI layer whose digest or size does not match its descriptor is refused', async () => {
  const wrongDigest = await ociArchive(layers, { manifestOverride: (m) => void ((m.layers[1] as { digest: string }).digest = `sha256:${'0'.repeat(64)}`) });
  await rejects(`oci-archive:${write('wrong-digest.tar', wrongDigest)}`, /layer 2 of 3 \(blobs\/sha256\/0{64}\) is missing/);
  const swapped = await ociArchive(layers, {
    manifestOverride: (m) => {
      const [a, b] = m.layers as [{ digest: string; size: number }, { digest: string; size: number }];
      [a.digest, b.digest] = [b.digest, a.digest];
    },
  });
  await rejects(`oci-archive:${write('swapped.tar', swapped)}`, /(digest mismatch|bytes, its descriptor says)/);
  const wrongSize = await ociArchive(layers, { manifestOverride: (m) => void ((m.layers[0] as { size: number }).size += 1) });
  await rejects(`oci-archive:${write('wrong-size.tar', wrongSize)}`, /layer 1 of 3 .* is \d+ bytes, its descriptor says \d+/);
});

test('a config that does not hash to its name is refused', async () => {
  const config = imageConfig(layers);
  const legacy = await dockerSaveLegacy(layers, { config });
  const name = `${(await import('../support/tar.ts')).sha256(config).slice(7)}.json`;
  const forged = Buffer.from(legacy.toString('latin1').replace('"Labels":{"dev.moat.test":"1"}', '"Labels":{"dev.moat.test":"2"}'), 'latin1');
  assert.notDeepEqual(forged, legacy);
  await rejects(`docker-archive:${write('forged-config.tar', forged)}`, new RegExp(`config ${name}: digest mismatch`));
});

test('a name that climbs out of the root with .. is refused, and nothing is written', async () => {
  const evil = await makeTar([file('../../../../tmp/moat-escaped', 'x')]);
  await rejects(`docker-archive:${write('dotdot.tar', await dockerSaveLegacy([evil]))}`, /layer 1 of 1 .* entry "\.\.\/\.\.\/\.\.\/\.\.\/tmp\/moat-escaped" climbs above the image root/);
  assert.equal(existsSync('/tmp/moat-escaped'), false);
});

test('absolute names, and a file written through an absolute symlink of the same layer, stay inside the image', async () => {
  const outside = join(work, 'outside');
  mkdirSync(outside);
  const evil = await makeTar([file('/etc/absolute-name', 'a'), symlink('escape', outside), file('escape/pwned', 'p'), symlink('up', '../../../..'), file('up/etc/through-dotdot', 'd')]);
  const s = await scanImage(`docker-archive:${write('abs.tar', await dockerSaveLegacy([evil]))}`);
  assert.equal(s.files.stat('etc/absolute-name')?.type, 'file');
  assert.equal(s.files.stat(`${outside.slice(1)}/pwned`)?.type, 'file', 'lands under the image root');
  assert.equal(s.files.stat('etc/through-dotdot')?.type, 'file', '.. stops at the image root');
  assert.deepEqual(readdirSync(outside), [], 'nothing written on the host');
});

test('hard links: outside the root refused, to a file not in the layer skipped with a problem', async () => {
  const climbing = await makeTar([hardlink('etc/shadow-copy', '../../etc/shadow')]);
  await rejects(`docker-archive:${write('hl-out.tar', await dockerSaveLegacy([climbing]))}`, /hard link "etc\/shadow-copy" → "\.\.\/\.\.\/etc\/shadow" points outside the image root/);
  const elsewhere = await makeTar([dir('etc/'), hardlink('etc/shadow-copy', '/etc/shadow')]);
  const s = await scanImage(`docker-archive:${write('hl-missing.tar', await dockerSaveLegacy([elsewhere]))}`);
  assert.equal(s.files.stat('etc/shadow-copy'), undefined);
  assert.equal(s.inventory.problems.length, 1);
  assert.match(s.inventory.problems[0]?.message ?? '', /etc\/shadow-copy was skipped: its hard-link target \/etc\/shadow is not in the same layer/);
});

test('device files are recorded, never created', async () => {
  const devs = await makeTar([dir('dev/'), { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o660 }, { name: 'dev/mem', type: 'character-device', devmajor: 1, devminor: 1 }]);
  const s = await scanImage(`docker-archive:${write('devs.tar', await dockerSaveLegacy([devs]))}`);
  assert.equal(s.files.stat('dev/sda')?.type, 'block');
  assert.equal(s.files.stat('dev/mem')?.type, 'char');
});

test('a header declaring a huge size on a short stream is a truncation error, not a hang', async () => {
  const layer = setDeclaredSize(await makeTar([file('var/lib/dpkg/status', STATUS)]), 'var/lib/dpkg/status', 2 ** 33 - 1);
  await rejects(`docker-archive:${write('huge.tar', await dockerSaveLegacy([layer], { config: imageConfig([await makeTar([file('var/lib/dpkg/status', STATUS)])]) }))}`, /truncated|cannot be read/);
});

test('truncated archives and layers are errors that say so', async () => {
  const full = await dockerSaveLegacy(layers);
  await rejects(`docker-archive:${write('cut.tar', full.subarray(0, Math.floor(full.length / 2)))}`, /truncated/);
  const gz = gzipSync(layers[0] as Buffer);
  const cutLayer = await dockerSaveLegacy([layers[0] as Buffer], { layerOverride: new Map([[0, gz.subarray(0, gz.length - 20)]]) });
  await rejects(`docker-archive:${write('cut-layer.tar', cutLayer)}`, /layer 1 of 1 .*truncated/);
});

test('things that are not image archives say what they are not', async () => {
  await rejects(`docker-archive:${write('empty.tar', Buffer.alloc(0))}`, /is empty/);
  await rejects(`docker-archive:${write('garbage.tar', Buffer.from('this is not a tar file at all'.repeat(40)))}`, /not a tar archive/);
  await rejects(`docker-archive:${write('plain.tar', await makeTar([file('hello.txt', 'hi')]))}`, /neither manifest.json nor index.json/);
  await rejects(`docker-archive:${work}`, /is not a file/);
  await rejects(`docker-archive:${join(work, 'missing.tar')}`, /no such file/);
  await rejects(`oci:${join(work, 'missing-dir')}`, /no such directory/);
  const noLayer = await makeTar([file('manifest.json', JSON.stringify([{ Config: 'c.json', RepoTags: null, Layers: ['x/layer.tar'] }])), file('c.json', imageConfig([layers[0] as Buffer]))]);
  await rejects(`docker-archive:${write('no-layer.tar', noLayer)}`, /layer 1 of 1 \(x\/layer.tar\) is missing/);
  const badJson = await makeTar([file('manifest.json', '[{"Config": 3}]')]);
  await rejects(`docker-archive:${write('bad-manifest.tar', badJson)}`, /manifest.json at 0.Config: Invalid type/);
});

test('a wanted file larger than the memory limit goes through the temp space and is still read', async () => {
  const many = Array.from({ length: 40_000 }, (_, i) => `Package: pkg${i}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-${i}\nDescription: ${'x'.repeat(60)}\n`).join('\n');
  assert.ok(many.length > 4 * 1024 * 1024);
  const big = await makeTar([dir('var/'), dir('var/lib/'), dir('var/lib/dpkg/'), file('var/lib/dpkg/status', many)]);
  const s = await scanImage(`docker-archive:${write('big-status.tar', await dockerSaveLegacy([big]))}`);
  assert.equal(s.inventory.packages.length, 40_000);
  assert.equal(s.files.stat('var/lib/dpkg/status')?.content, 'released');
});

test('a package database reached through a symlinked directory of the same layer is read', async () => {
  const l = await makeTar([dir('var/'), dir('var/lib/'), dir('data/'), symlink('var/lib/dpkg', '/data'), file('var/lib/dpkg/status', STATUS)]);
  const s = await scanImage(`docker-archive:${write('symlinked-db.tar', await dockerSaveLegacy([l]))}`);
  assert.deepEqual(s.inventory.packages.map((p) => p.name), ['bar', 'libfoo1']);
  assert.equal(s.files.stat('data/status')?.type, 'file');
});

test('a multi-platform index: the host platform by default, --platform to choose, a clear error for a missing one', async () => {
  const release = (arch: string) => makeTar([dir('etc/'), file('etc/os-release', `ID=debian\nVERSION_ID="12"\nPRETTY_NAME="${arch}"\n`)]);
  const path = write('multi.tar', await ociMultiPlatform([
    { os: 'linux', architecture: 'arm64', variant: 'v8', layers: [await release('arm64')] },
    { os: 'linux', architecture: 'amd64', layers: [await release('amd64')] },
  ]));
  const host = process.arch === 'arm64' ? 'arm64' : 'amd64';
  assert.equal((await scanImage(`oci-archive:${path}`)).inventory.os?.prettyName, host);
  const arm = await scanImage(`oci-archive:${path}`, { platform: 'linux/arm64' });
  assert.equal(arm.inventory.os?.prettyName, 'arm64');
  assert.equal(arm.image?.platform, 'linux/arm64/v8');
  await assert.rejects(scanImage(`oci-archive:${path}`, { platform: 'linux/s390x' }), /has no image for platform linux\/s390x \(it has: linux\/arm64\/v8, linux\/amd64\): choose one with --platform/);
});
