/**
 * The registry source on a real registry (distribution 2.8 on 127.0.0.1): the Debian
 * image docker itself pushed reads the same as from the engine, and an OCI image with a
 * zstd layer reads too. The ImageSource interface the other sources use did not change
 * for it: this is the adapter over src/registry.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { scanImage } from '../../src/doors/image/scan.ts';
import { MoatError } from '../../src/util/errors.ts';
import { DEBIAN_IMAGES, ensureDebianImages } from '../support/images.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { dockerPush, uploadImage } from '../support/registry-images.ts';

let reg: TestRegistry;
let pushedDigest: string;

before(async () => {
  await ensureDebianImages();
  reg = await startRegistry();
  pushedDigest = await dockerPush(DEBIAN_IMAGES.curl, `${reg.host}/moat/debian-curl:1`);
});
after(async () => {
  await reg?.stop();
});

test('an image docker pushed reads from the registry exactly as from the engine', async () => {
  const [fromRegistry, fromEngine] = [await scanImage(`registry:${reg.host}/moat/debian-curl:1`), await scanImage(DEBIAN_IMAGES.curl)];
  assert.deepEqual(fromRegistry.inventory, fromEngine.inventory);
  assert.deepEqual(fromRegistry.layers.map((l) => l.diffId), fromEngine.layers.map((l) => l.diffId));
  assert.deepEqual(fromRegistry.layers.map((l) => l.compression), ['gzip', 'gzip'], 'docker pushes gzip layers');
  assert.equal(fromRegistry.image?.id, fromEngine.image?.id, 'same config, same image id');
  assert.equal(fromRegistry.image?.layout, 'registry');
  assert.deepEqual(fromRegistry.image?.spec.repoDigests, [`${reg.host}/moat/debian-curl@${pushedDigest}`]);
  assert.deepEqual(fromRegistry.target, { name: `${reg.host}/moat/debian-curl:1`, kind: 'registry' });
});

test('an OCI image with a zstd layer, named docker://', async () => {
  await uploadImage(reg, 'moat/zstd', {
    platform: { os: 'linux', architecture: 'amd64' },
    compression: 'zstd',
    tag: '1',
    files: { 'etc/os-release': 'ID=alpine\nVERSION_ID=3.20.3\n', 'lib/apk/db/installed': 'P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n' },
  });
  const scan = await scanImage(`docker://${reg.host}/moat/zstd:1`);
  assert.deepEqual(scan.layers.map((l) => l.compression), ['zstd']);
  assert.equal(scan.inventory.os?.id, 'alpine');
  assert.deepEqual(scan.inventory.packages.map((p) => p.purl), ['pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3']);
});

test('a missing image is a MoatError from the registry, with its exit-code kind', async () => {
  await assert.rejects(scanImage(`registry:${reg.host}/moat/nothing:1`), (e: unknown) => e instanceof MoatError && e.kind === 'incomplete' && /moat\/nothing/.test(e.message));
});
