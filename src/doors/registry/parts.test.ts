/** The pure parts: challenges, platforms, manifests, verification, host policy, secrets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inspect } from 'node:util';
import { parseChallenges } from './challenge.ts';
import { parsePlatform, selectPlatform, hostPlatform } from './platform.ts';
import { parseManifest, parseImageConfig, layerCompression } from './manifest.ts';
import { VerifyingStream, digestOf, verifyBytes } from './verify.ts';
import { InsecurePolicy, isLoopback, splitHostPort } from './tls.ts';
import { Secret, mask } from './secret.ts';
import { RegistryError } from './errors.ts';
import type { Descriptor } from './manifest.ts';

test('challenges: several in one header, quoted values with escapes and commas, case-insensitive scheme', () => {
  const [bearer, basic] = parseChallenges(['Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push", Basic realm="say \\"hi\\", ok"']);
  assert.deepEqual(bearer, { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' } });
  assert.deepEqual(basic, { scheme: 'basic', params: { realm: 'say "hi", ok' } });
  assert.deepEqual(parseChallenges(['BASIC realm=plain']), [{ scheme: 'basic', params: { realm: 'plain' } }]);
  assert.deepEqual(parseChallenges(['=garbage']), []);
});

const d = (platform: object | undefined, digest: string, annotations?: Record<string, string>): Descriptor =>
  ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1, ...(platform ? { platform } : {}), ...(annotations ? { annotations } : {}) }) as Descriptor;

test('platforms: parsing and normalising like docker (aliases, default variants), and the host default', () => {
  assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('Linux/x86_64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/aarch64/8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux/armhf'), { os: 'linux', architecture: 'arm' });
  for (const bad of ['', 'linux', 'linux/amd64/v1/x', 'linux/am d64', '../x']) assert.throws(() => parsePlatform(bad), RegistryError, bad);
  assert.deepEqual(hostPlatform(), { os: 'linux', architecture: process.arch === 'x64' ? 'amd64' : process.arch });
});

test('platform selection: exact beats compatible, older variants only, windows is not linux', () => {
  const list = [d({ os: 'linux', architecture: 'amd64', variant: 'v3' }, 'sha256:a'), d({ os: 'linux', architecture: 'amd64' }, 'sha256:b'), d({ os: 'windows', architecture: 'amd64' }, 'sha256:w')];
  assert.equal(selectPlatform(list, parsePlatform('linux/amd64'), 'x').digest, 'sha256:b');
  assert.equal(selectPlatform(list, parsePlatform('linux/amd64/v3'), 'x').digest, 'sha256:a');
  assert.equal(selectPlatform(list, parsePlatform('linux/amd64/v4'), 'x').digest, 'sha256:a');
  assert.equal(selectPlatform(list, parsePlatform('windows/amd64'), 'x').digest, 'sha256:w');
  const arm = [d({ os: 'linux', architecture: 'arm', variant: 'v7' }, 'sha256:7'), d({ os: 'linux', architecture: 'arm64' }, 'sha256:8')];
  assert.equal(selectPlatform(arm, parsePlatform('linux/arm64/v8'), 'x').digest, 'sha256:8');
  assert.throws(() => selectPlatform(arm, parsePlatform('linux/arm/v6'), 'img'), /img has no image for linux\/arm\/v6; it has linux\/arm\/v7, linux\/arm64/);
  assert.throws(() => selectPlatform([d(undefined, 'sha256:x')], parsePlatform('linux/amd64'), 'img'), /names no platform for any of its 1 entries/);
});

const DIG = `sha256:${'a'.repeat(64)}`;
const desc = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: DIG, size: 3 };

test('manifests: OCI without mediaType is recognised by shape; schema 1 by version or media type; bad shapes are located', () => {
  const m = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config: { ...desc, mediaType: 'application/vnd.oci.image.config.v1+json' }, layers: [desc] })), undefined, 'img');
  assert.equal(m.kind === 'image' && m.manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  const i = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] })), 'application/json', 'img');
  assert.equal(i.kind, 'index');
  assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1}'), 'application/json', 'img'), /schema 1/);
  assert.throws(() => parseManifest(Buffer.from('{}'), 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'img'), /schema 1/);
  assert.throws(() => parseManifest(Buffer.from('nope'), undefined, 'img'), /the manifest of img is not JSON \(4 bytes\)/);
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config: desc, layers: [{ ...desc, size: -1 }] })), undefined, 'img'), /image manifest of img is malformed at layers\.0\.size: negative/);
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config: desc, layers: [{ ...desc, digest: 'md5:abc' }] })), undefined, 'img'), /at layers\.0\.digest: must be sha256:<64 hex> or sha512:<128 hex>/);
  assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":2}'), 'application/vnd.example+json', 'img'), /media type "application\/vnd\.example\+json", which is not an image manifest/);
  assert.throws(() => parseImageConfig(Buffer.from('{"rootfs":{"type":"layers"}}'), 'img'), /image config of img is malformed at rootfs\.diff_ids/);
  assert.equal(layerCompression('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'), 'gzip');
  assert.equal(layerCompression('application/vnd.oci.image.layer.nondistributable.v1.tar+zstd'), 'zstd');
  assert.equal(layerCompression('text/plain'), undefined);
});

async function through(data: Buffer[], expected: { digest: string; size: number }): Promise<number> {
  let n = 0;
  await pipeline(Readable.from(data), new VerifyingStream(expected, 'blob x'), new Writable({ write: (c: Buffer, _e, cb) => ((n += c.length), cb()) }));
  return n;
}

test('verification: sha256 and sha512, short, long and altered content, and bytes in memory', async () => {
  const data = Buffer.from('hello registry');
  assert.equal(await through([data.subarray(0, 5), data.subarray(5)], { digest: digestOf(data), size: data.length }), data.length);
  assert.equal(await through([data], { digest: digestOf(data, 'sha512'), size: data.length }), data.length);
  await assert.rejects(through([data.subarray(0, 4)], { digest: digestOf(data), size: data.length }), /ended after 4 of 14 bytes/);
  await assert.rejects(through([data, data], { digest: digestOf(data), size: data.length }), /longer than the 14 bytes/);
  const altered = Buffer.from('hello registrx');
  await assert.rejects(through([altered], { digest: digestOf(data), size: data.length }), (e: unknown) => e instanceof RegistryError && e.code === 'digest-mismatch');
  assert.throws(() => verifyBytes(altered, { digest: digestOf(data) }, 'm'), /m has digest sha256:[0-9a-f]{64}, not sha256:/);
  assert.throws(() => verifyBytes(data, { digest: digestOf(data), size: 3 }, 'm'), /m is 14 bytes, but its descriptor says 3/);
});

test('hosts: loopback covers localhost, 127/8, ::1 and mapped IPv4; insecure entries are exact host[:port] or CIDR', () => {
  for (const h of ['localhost', '127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(h), true, h);
  for (const h of ['128.0.0.1', 'localhost.example', '10.0.0.1', '::2', 'example.com']) assert.equal(isLoopback(h), false, h);
  const p = new InsecurePolicy(['myreg:5000', '10.1.0.0/16', 'fd00::/8']);
  assert.equal(p.listed('myreg:5000'), true);
  assert.equal(p.listed('MyReg:5000'), true);
  assert.equal(p.listed('myreg'), false);
  assert.equal(p.listed('myreg:5001'), false);
  assert.equal(p.listed('10.1.2.3:443'), true);
  assert.equal(p.listed('10.2.0.1'), false);
  assert.equal(p.listed('[fd00::1]:5000'), true);
  assert.deepEqual(splitHostPort('[::1]:5000', 443), { hostname: '::1', port: 5000 });
  assert.deepEqual(splitHostPort('registry-1.docker.io', 443), { hostname: 'registry-1.docker.io', port: 443 });
  assert.throws(() => splitHostPort('h:99999', 443), /outside 1-65535/);
});

test('secrets: masked in strings, JSON and inspect; revealed only on purpose', () => {
  const s = new Secret('super-secret-token-value');
  assert.equal(`${s}`, '****(24 chars)');
  assert.equal(JSON.stringify({ s }), '{"s":"****(24 chars)"}');
  assert.equal(inspect({ s }), '{ s: Secret(****(24 chars)) }');
  assert.equal(s.reveal(), 'super-secret-token-value');
  assert.equal(mask('short'), '****(5 chars)');
});
