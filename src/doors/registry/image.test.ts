/**
 * openRegistryImage against a real registry (distribution 2.8, no auth) holding images
 * pushed by the real docker CLI, and images uploaded through the API where docker cannot
 * make them (multi-platform indexes, zstd). docker itself is the oracle for digests.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync, readFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Writable, type Readable } from 'node:stream';
import { openRegistryImage } from './image.ts';
import { rejectsWith } from './test-support/expect.ts';
import { ensureTestImages, docker, IMAGES } from '../../../test/support/engine.ts';
import { startRegistry, startStorageServer, type TestRegistry } from '../../../test/support/registry.ts';
import { dockerPush, uploadImage, putManifest, uploadBlob, sha256 } from '../../../test/support/registry-images.ts';

let reg: TestRegistry;
let pushedDigest: string;

before(async () => {
  await ensureTestImages();
  reg = await startRegistry();
  pushedDigest = await dockerPush(IMAGES.hardened, `${reg.host}/moat/hardened:1`);
});
after(async () => {
  await reg?.stop();
});

async function drain(stream: Readable, transform?: NodeJS.ReadWriteStream): Promise<{ digest: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb();
    },
  });
  await (transform ? pipeline(stream, transform, sink) : pipeline(stream, sink));
  return { digest: `sha256:${hash.digest('hex')}`, bytes };
}


test('an image pushed by docker: same manifest digest, config digest = image ID, diff_ids = docker RootFS, layers verify', async () => {
  const img = await openRegistryImage(`${reg.host}/moat/hardened:1`);
  try {
    assert.equal(img.digest, pushedDigest);
    assert.equal(img.repoDigest, `${reg.host}/moat/hardened@${pushedDigest}`);
    assert.equal(img.reference.canonical, `${reg.host}/moat/hardened:1`);
    assert.equal(img.manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(img.config.digest, await docker('image', 'inspect', '--format', '{{.Id}}', IMAGES.hardened));
    const rootfs = JSON.parse(await docker('image', 'inspect', '--format', '{{json .RootFS.Layers}}', IMAGES.hardened)) as string[];
    assert.deepEqual(img.layers.map((l) => l.diffId), rootfs);
    assert.deepEqual(img.platform, { os: 'linux', architecture: 'amd64' });
    assert.equal((img.config.json as { config?: { User?: string } }).config?.User, '10001:10001');
    for (const layer of img.layers) {
      assert.equal(layer.compression, 'gzip');
      const compressed = await drain(await layer.open());
      assert.deepEqual(compressed, { digest: layer.digest, bytes: layer.size });
      assert.equal((await drain(await layer.open(), createGunzip())).digest, layer.diffId);
    }
  } finally {
    img.close();
  }
});

test('by digest: the same image; a tag given with the digest is only a label', async () => {
  const img = await openRegistryImage(`${reg.host}/moat/hardened:no-such-tag@${pushedDigest}`);
  img.close();
  assert.equal(img.digest, pushedDigest);
  assert.equal(img.reference.tag, 'no-such-tag');
});

test('multi-platform index: host default, --platform choice, variant compatibility, attestations skipped, clear error listing platforms', async () => {
  const amd = await uploadImage(reg, 'moat/multi', { platform: { os: 'linux', architecture: 'amd64' } });
  const arm64 = await uploadImage(reg, 'moat/multi', { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
  const armv6 = await uploadImage(reg, 'moat/multi', { platform: { os: 'linux', architecture: 'arm', variant: 'v6' } });
  const entry = (img: typeof amd, platform: object, annotations?: object) => ({ mediaType: img.manifest.mediaType, digest: img.manifest.digest, size: img.manifest.size, platform, ...(annotations ? { annotations } : {}) });
  // buildkit's attestation entry comes first here: it must never be chosen.
  const index = await putManifest(reg, 'moat/multi', 'v1', 'application/vnd.oci.image.index.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      entry(arm64, { os: 'unknown', architecture: 'unknown' }, { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd.manifest.digest }),
      entry(amd, { os: 'linux', architecture: 'amd64' }),
      entry(arm64, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
      entry(armv6, { os: 'linux', architecture: 'arm', variant: 'v6' }),
    ],
  });

  const host = await openRegistryImage(`${reg.host}/moat/multi:v1`);
  host.close();
  assert.equal(host.digest, amd.manifest.digest);
  assert.equal(host.indexDigest, index.digest);
  assert.equal(host.repoDigest, `${reg.host}/moat/multi@${index.digest}`);

  const a64 = await openRegistryImage(`${reg.host}/moat/multi:v1`, { platform: 'linux/arm64' });
  a64.close();
  assert.equal(a64.digest, arm64.manifest.digest);
  assert.deepEqual(a64.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });

  // An arm/v7 machine runs arm/v6 images: the best compatible variant is chosen.
  const v7 = await openRegistryImage(`${reg.host}/moat/multi:v1`, { platform: 'linux/arm/v7' });
  v7.close();
  assert.equal(v7.digest, armv6.manifest.digest);

  await assert.rejects(
    openRegistryImage(`${reg.host}/moat/multi:v1`, { platform: 'linux/s390x' }),
    rejectsWith('platform', /has no image for linux\/s390x; it has linux\/amd64, linux\/arm64\/v8, linux\/arm\/v6: choose one with --platform$/),
  );
  await assert.rejects(openRegistryImage(`${reg.host}/moat/multi:v1`, { platform: 'linux/arm/v5' }), rejectsWith('platform', /no image for linux\/arm\/v5/));
  await assert.rejects(openRegistryImage(`${reg.host}/moat/multi:v1`, { platform: 'linux' }), rejectsWith('platform', /is not os\/arch\[\/variant\]/));

  // The same through a Docker manifest list.
  const list = await putManifest(reg, 'moat/multi', 'list', 'application/vnd.docker.distribution.manifest.list.v2+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifests: [entry(amd, { os: 'linux', architecture: 'amd64' }), entry(arm64, { os: 'linux', architecture: 'arm64', variant: 'v8' })],
  });
  const viaList = await openRegistryImage(`${reg.host}/moat/multi@${list.digest}`, { platform: 'linux/aarch64' });
  viaList.close();
  assert.equal(viaList.digest, arm64.manifest.digest);
  assert.equal(viaList.index?.mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json');

  // A single-platform image with an explicit, different --platform is refused (docker does too).
  await assert.rejects(openRegistryImage(`${reg.host}/moat/multi@${amd.manifest.digest}`, { platform: 'linux/arm64' }), rejectsWith('platform', /single-platform image for linux\/amd64, not linux\/arm64: drop --platform or choose linux\/amd64$/));
});

test('zstd and uncompressed OCI layers are reported as such; Node 24 zlib decompresses zstd to the very tar', async () => {
  const z = await uploadImage(reg, 'moat/zstd', { platform: { os: 'linux', architecture: 'amd64' }, compression: 'zstd', tag: 'z' });
  const img = await openRegistryImage(`${reg.host}/moat/zstd:z`);
  try {
    const [layer] = img.layers;
    assert.equal(layer?.mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd');
    assert.equal(layer?.compression, 'zstd');
    assert.equal((await drain(await layer!.open(), createZstdDecompress())).digest, sha256(z.layers[0]!.tar));
    assert.equal(layer?.diffId, sha256(z.layers[0]!.tar));
  } finally {
    img.close();
  }
  await uploadImage(reg, 'moat/zstd', { platform: { os: 'linux', architecture: 'amd64' }, compression: 'none', tag: 'plain' });
  const plain = await openRegistryImage(`${reg.host}/moat/zstd:plain`);
  plain.close();
  assert.equal(plain.layers[0]?.compression, 'none');
});

test('a tampered layer blob (same size) fails verification at the end of the stream; nothing ends cleanly', async () => {
  const up = await uploadImage(reg, 'moat/tamper', { platform: { os: 'linux', architecture: 'amd64' }, tag: 'layer', files: { 'etc/data': 'x'.repeat(50_000) } });
  const file = reg.blobPath(up.layers[0]!.digest);
  const bytes = readFileSync(file);
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
  writeFileSync(file, bytes);
  const img = await openRegistryImage(`${reg.host}/moat/tamper:layer`);
  try {
    await assert.rejects(drain(await img.layers[0]!.open()), rejectsWith('digest-mismatch', /^layer 0 \(blob sha256:[0-9a-f]{64}\) of 127\.0\.0\.1:\d+\/moat\/tamper has digest sha256:[0-9a-f]{64}, not sha256:/));
  } finally {
    img.close();
  }
});

test('a layer blob longer than its descriptor is refused before reading; a tampered config fails the open', async () => {
  const up = await uploadImage(reg, 'moat/tamper', { platform: { os: 'linux', architecture: 'amd64' }, tag: 'long', files: { 'etc/long': 'long' } });
  appendFileSync(reg.blobPath(up.layers[0]!.digest), Buffer.from('extra'));
  const img = await openRegistryImage(`${reg.host}/moat/tamper:long`);
  try {
    await assert.rejects(img.layers[0]!.open(), rejectsWith('size-mismatch', /announced as \d+ bytes, but its descriptor says \d+/));
  } finally {
    img.close();
  }
  const up2 = await uploadImage(reg, 'moat/tamper', { platform: { os: 'linux', architecture: 'amd64' }, tag: 'config', files: { 'etc/c': 'c' } });
  const cfg = reg.blobPath(up2.config.digest);
  writeFileSync(cfg, readFileSync(cfg).toString().replace('amd64', 'arm64'));
  await assert.rejects(openRegistryImage(`${reg.host}/moat/tamper:config`), rejectsWith('digest-mismatch', /the config blob sha256:[0-9a-f]+ of .* has digest/));
});

test('a tampered manifest is caught by tag (Docker-Content-Digest) and by digest', async () => {
  const up = await uploadImage(reg, 'moat/tamper', { platform: { os: 'linux', architecture: 'amd64' }, tag: 'manifest', files: { 'etc/m': 'm' } });
  const file = reg.blobPath(up.manifest.digest);
  writeFileSync(file, readFileSync(file).toString().replace('"schemaVersion":2', '"schemaVersion": 2'));
  await assert.rejects(openRegistryImage(`${reg.host}/moat/tamper:manifest`), rejectsWith('digest-mismatch', /Docker-Content-Digest/));
  await assert.rejects(openRegistryImage(`${reg.host}/moat/tamper@${up.manifest.digest}`), rejectsWith('digest-mismatch', /manifest @sha256/));
});

test('unknown repository, tag and digest are told apart', async () => {
  await assert.rejects(openRegistryImage(`${reg.host}/moat/absent:1`), rejectsWith('name-unknown', /has no repository moat\/absent/));
  await assert.rejects(openRegistryImage(`${reg.host}/moat/hardened:absent`), rejectsWith('manifest-unknown', /\/moat\/hardened has no tag "absent": check the tag$/));
  await assert.rejects(openRegistryImage(`${reg.host}/moat/hardened@sha256:${'0'.repeat(64)}`), rejectsWith('manifest-unknown', /has no manifest sha256:0{64}: check the digest$/));
});

test('an OCI artifact (not a container image) and an unknown layer type are refused by name', async () => {
  await uploadImage(reg, 'moat/artifact', { platform: { os: 'linux', architecture: 'amd64' }, tag: 'sig', configMediaType: 'application/vnd.cncf.helm.config.v1+json' });
  await assert.rejects(openRegistryImage(`${reg.host}/moat/artifact:sig`), rejectsWith('unsupported', /not a container image: its config has media type "application\/vnd\.cncf\.helm\.config\.v1\+json"/));
  const layer = await uploadBlob(reg, 'moat/artifact', Buffer.from('not a tar'));
  const cfg = await uploadBlob(reg, 'moat/artifact', Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [layer.digest] } })));
  await putManifest(reg, 'moat/artifact', 'odd', 'application/vnd.oci.image.manifest.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
    layers: [{ mediaType: 'application/vnd.example.weird', ...layer }],
  });
  await assert.rejects(openRegistryImage(`${reg.host}/moat/artifact:odd`), rejectsWith('unsupported', /layer 0 \(sha256:[0-9a-f]+\) has media type "application\/vnd\.example\.weird"/));
});

test('blobs redirected to storage are followed, verified, and get no Authorization header', async () => {
  let storageRoot = '';
  const storage = await startStorageServer(() => storageRoot);
  const redirecting = await startRegistry({ redirectBaseUrl: storage.url });
  storageRoot = redirecting.storageDir;
  try {
    const up = await uploadImage(redirecting, 'moat/redirect', { platform: { os: 'linux', architecture: 'amd64' }, tag: 'r', files: { 'etc/r': 'redirected' } });
    const img = await openRegistryImage(`${redirecting.host}/moat/redirect:r`, { auth: { username: 'u', password: 'never-sent-to-storage' } });
    try {
      assert.deepEqual(await drain(await img.layers[0]!.open()), { digest: up.layers[0]!.digest, bytes: up.layers[0]!.size });
    } finally {
      img.close();
    }
    assert.ok(storage.requests >= 2, `storage saw ${storage.requests} requests (config + layer expected)`);
    assert.deepEqual(storage.authorizations, []);
  } finally {
    await redirecting.stop();
    await storage.close();
  }
});

test('a registry that serves a schema 1 manifest is refused with the reason', async () => {
  // distribution 2.8 no longer accepts schema 1 pushes, so a loopback server plays an old registry.
  const server = createServer((req, res) => {
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }).end(JSON.stringify({ schemaVersion: 1, name: 'old/app', tag: '1', fsLayers: [], history: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    await assert.rejects(openRegistryImage(`127.0.0.1:${port}/old/app:1`), rejectsWith('unsupported', /is a Docker schema 1 manifest .* re-push the image/));
  } finally {
    server.close();
  }
});
