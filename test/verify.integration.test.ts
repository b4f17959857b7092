/**
 * `moat verify` against a real registry (distribution 2.8 on 127.0.0.1): images signed in
 * the tests with node:crypto in cosign's exact format (simple-signing payload, signature
 * annotation, `sha256-<hex>.sig` tag), and every verdict the issue lists, each naming its
 * reason. The library is called directly for the verdicts; the CLI for exit codes, the
 * JSON document, the moat.yaml policy and the engine image path.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPublicKeyFile } from '../src/doors/signatures/keys.ts';
import type { Signer } from '../src/doors/signatures/policy.ts';
import { SignatureVerifier } from '../src/features/verify/verifier.ts';
import { cosignPayload, cosignSign, cosignSignImage, makeKey, pushSignatures, type TestKey } from './support/cosign.ts';
import { docker, ensureTestImages, IMAGES } from './support/engine.ts';
import { startFaultProxy } from './support/fault-proxy.ts';
import { runMoat } from './support/moat-cli.ts';
import { startRegistry, type TestRegistry } from './support/registry.ts';
import { putManifest, uploadImage } from './support/registry-images.ts';

let reg: TestRegistry;
let dir: string;
let keys: Record<'ecdsa' | 'ed25519' | 'rsa' | 'other', TestKey>;
let verifier: SignatureVerifier;
let n = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'moat-verify-'));
  keys = { ecdsa: makeKey(dir, 'ecdsa'), ed25519: makeKey(dir, 'ed25519'), rsa: makeKey(dir, 'rsa'), other: makeKey(dir, 'ecdsa', 'other') };
  reg = await startRegistry();
  verifier = new SignatureVerifier({ ttlMs: 0 });
});
after(async () => {
  verifier?.close();
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const signer = (k: TestKey): Signer => ({ kind: 'key', key: loadPublicKeyFile(k.publicFile) });

/** A fresh one-layer image in its own repository; returns the repository and the manifest digest. */
async function image(): Promise<{ repo: string; digest: string; ref: string }> {
  const repo = `moat/signed-${n++}`;
  const up = await uploadImage(reg, repo, { platform: { os: 'linux', architecture: 'amd64' }, tag: '1', files: { [`etc/image-${n}`]: `image ${n}\n` } });
  return { repo, digest: up.manifest.digest, ref: `${reg.host}/${repo}:1` };
}

async function verify(ref: string, signers: Signer[], references?: string[]) {
  return verifier.verify(await verifier.resolveRegistry(ref), { signers, ...(references ? { references } : {}) });
}

for (const kind of ['ecdsa', 'ed25519', 'rsa'] as const) {
  test(`a ${kind} cosign signature of the image's digest verifies with its public key`, async () => {
    const img = await image();
    await cosignSignImage(reg, img.repo, img.digest, keys[kind]);
    const r = await verify(img.ref, [signer(keys.other), signer(keys[kind])]);
    assert.equal(r.verified, true, r.reason);
    assert.equal(r.digest, img.digest);
    assert.match(r.signer!, new RegExp(`key ${keys[kind].publicFile.replace(/[.]/g, '\\.')} \\(SHA256:`));
    assert.equal(r.foundAt, `${reg.host}/${img.repo}:${img.digest.replace(':', '-')}.sig layer 0`);
  });
}

test('no signature tag: not verified, "no signature"', async () => {
  const img = await image();
  const r = await verify(img.ref, [signer(keys.ecdsa)]);
  assert.equal(r.verified, false);
  assert.equal(r.code, 'no-signature');
  assert.match(r.reason!, /^no signature: .* has no cosign signature tag sha256-[a-f0-9]{64}\.sig/);
});

test('signed by a key the policy does not trust: untrusted signer', async () => {
  const img = await image();
  await cosignSignImage(reg, img.repo, img.digest, keys.other);
  const r = await verify(img.ref, [signer(keys.ecdsa)]);
  assert.equal(r.code, 'untrusted-signer');
  assert.match(r.reason!, /does not verify with any trusted key \(key .*ecdsa\.pub/);
});

test('a signature whose bytes were altered does not verify', async () => {
  const img = await image();
  const payload = cosignPayload(`${reg.host}/${img.repo}`, img.digest);
  const sig = Buffer.from(cosignSign(keys.ecdsa, payload), 'base64');
  sig[sig.length - 1]! ^= 1;
  await pushSignatures(reg, img.repo, img.digest, [{ payload, signature: sig.toString('base64') }]);
  assert.equal((await verify(img.ref, [signer(keys.ecdsa)])).code, 'untrusted-signer');
});

test('a .sig tag holding the signature of another digest: digest mismatch', async () => {
  const a = await image();
  const b = await image();
  // b's signature tag carries a valid signature of a's digest (a replayed signature).
  const payload = cosignPayload(`${reg.host}/${b.repo}`, a.digest);
  await pushSignatures(reg, b.repo, b.digest, [{ payload, signature: cosignSign(keys.ecdsa, payload) }]);
  const r = await verify(b.ref, [signer(keys.ecdsa)]);
  assert.equal(r.code, 'digest-mismatch');
  assert.equal(r.reason, `digest mismatch: the signature is for ${a.digest}, but the image is ${b.digest} (a signature moved to another image's tag)`);
});

test('a signature for another repository: reference mismatch, unless the policy accepts that reference', async () => {
  const img = await image();
  const payload = cosignPayload('mirror.example.com/team/app', img.digest);
  await pushSignatures(reg, img.repo, img.digest, [{ payload, signature: cosignSign(keys.ecdsa, payload) }]);
  const r = await verify(img.ref, [signer(keys.ecdsa)]);
  assert.equal(r.code, 'reference-mismatch');
  assert.match(r.reason!, /the signature is for mirror\.example\.com\/team\/app, not 127\.0\.0\.1:\d+\/moat\/signed-\d+/);
  assert.equal((await verify(img.ref, [signer(keys.ecdsa)], ['mirror.example.com/team/*'])).verified, true);
});

test('a payload with fields simple signing does not have: refused, naming the field', async () => {
  const img = await image();
  const payload = cosignPayload(`${reg.host}/${img.repo}`, img.digest, { critical: { 'x-allow-any-digest': true } });
  await pushSignatures(reg, img.repo, img.digest, [{ payload, signature: cosignSign(keys.ecdsa, payload) }]);
  const r = await verify(img.ref, [signer(keys.ecdsa)]);
  assert.equal(r.code, 'bad-payload');
  assert.match(r.reason!, /fields a simple-signing payload does not: \$\.critical\.x-allow-any-digest/);
});

test('a signed payload that is not JSON: bad payload', async () => {
  const img = await image();
  const payload = Buffer.from('not json');
  await pushSignatures(reg, img.repo, img.digest, [{ payload, signature: cosignSign(keys.ecdsa, payload) }]);
  const r = await verify(img.ref, [signer(keys.ecdsa)]);
  assert.equal(r.code, 'bad-payload');
  assert.match(r.reason!, /^the payload is not JSON/);
});

test('a layer that is not a simple-signing payload: named with its media type', async () => {
  const img = await image();
  const payload = cosignPayload(`${reg.host}/${img.repo}`, img.digest);
  await pushSignatures(reg, img.repo, img.digest, [{ payload, signature: cosignSign(keys.ecdsa, payload), mediaType: 'application/vnd.oci.image.layer.v1.tar' }]);
  const r = await verify(img.ref, [signer(keys.ecdsa)]);
  assert.equal(r.code, 'not-simple-signing');
  assert.match(r.reason!, /layer 0 has media type "application\/vnd\.oci\.image\.layer\.v1\.tar", not a cosign simple-signing payload/);
});

test('the same signature twice: duplicate, even though it would verify', async () => {
  const img = await image();
  const payload = cosignPayload(`${reg.host}/${img.repo}`, img.digest);
  const signature = cosignSign(keys.ecdsa, payload);
  await pushSignatures(reg, img.repo, img.digest, [{ payload, signature }, { payload, signature }]);
  const r = await verify(img.ref, [signer(keys.ecdsa)]);
  assert.equal(r.verified, false);
  assert.equal(r.code, 'duplicate');
  assert.match(r.reason!, /duplicate signature: layer 1 repeats layer 0/);
});

test('a signature annotation that is not base64, and a layer without one: malformed', async () => {
  const img = await image();
  const payload = cosignPayload(`${reg.host}/${img.repo}`, img.digest);
  await pushSignatures(reg, img.repo, img.digest, [{ payload, signature: '***' }, { payload: Buffer.from(`${payload.toString()} `) }]);
  const r = await verify(img.ref, [signer(keys.ecdsa)]);
  assert.equal(r.code, 'malformed');
  assert.match(r.reason!, /none of 2 signatures verified; the closest, .* layer [01]: layer [01]/);
  assert.deepEqual(r.signatures.map((s) => s.reason), ["layer 0's signature annotation is not base64", 'layer 1 has no dev.cosignproject.cosign/signature annotation, so it carries no signature']);
});

test('a signature manifest with more layers than any cosign writes: refused as huge, unread', async () => {
  const img = await image();
  const payload = cosignPayload(`${reg.host}/${img.repo}`, img.digest);
  const signature = cosignSign(keys.ecdsa, payload);
  const layers = Array.from({ length: 257 }, () => ({ payload, signature }));
  await pushSignatures(reg, img.repo, img.digest, layers);
  const r = await verify(img.ref, [signer(keys.ecdsa)]);
  assert.equal(r.code, 'malformed');
  assert.match(r.reason!, /lists 257 layers, over Moat's limit of 256 signatures: refused/);
});

test('a signature tag that names an index: malformed signature manifest', async () => {
  const img = await image();
  await putManifest(reg, img.repo, `${img.digest.replace(':', '-')}.sig`, 'application/vnd.oci.image.index.v1+json', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
  const r = await verify(img.ref, [signer(keys.ecdsa)]);
  assert.equal(r.code, 'malformed');
  assert.match(r.reason!, /names an index, not a signature manifest/);
});

test('one good signature among bad ones verifies, and each keeps its own verdict', async () => {
  const img = await image();
  const good = cosignPayload(`${reg.host}/${img.repo}`, img.digest);
  const other = cosignPayload(`${reg.host}/${img.repo}`, img.digest, { optional: { by: 'someone else' } });
  await pushSignatures(reg, img.repo, img.digest, [
    { payload: other, signature: cosignSign(keys.other, other) },
    { payload: good, signature: cosignSign(keys.ed25519, good) },
  ]);
  const r = await verify(img.ref, [signer(keys.ed25519)]);
  assert.equal(r.verified, true);
  assert.deepEqual(r.signatures.map((s) => s.verified), [false, true]);
  assert.match(r.foundAt!, /layer 1$/);
});

test('the CLI: exit 0 and a JSON verdict with signer, key, digest and where; exit 1 with one line; exit 2 and 3', async () => {
  const img = await image();
  await cosignSignImage(reg, img.repo, img.digest, keys.ecdsa);
  const ok = await runMoat(['verify', `registry:${img.ref}`, '--key', keys.ecdsa.publicFile, '--format', 'json'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  const doc = JSON.parse(ok.stdout) as Record<string, unknown>;
  assert.equal(doc.verified, true);
  assert.equal(doc.digest, img.digest);
  assert.match(String(doc.signer), /^key .*ecdsa\.pub \(SHA256:[A-Za-z0-9+/]{43}\)$/);
  assert.match(String(doc.foundAt), /\.sig layer 0$/);
  assert.equal((doc.signatures as Array<{ keyFingerprint: string }>)[0]!.keyFingerprint, loadPublicKeyFile(keys.ecdsa.publicFile).fingerprint);

  const bad = await runMoat(['verify', `registry:${img.ref}`, '--key', keys.rsa.publicFile], { cwd: dir });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /^not verified: 127\.0\.0\.1:\d+\/moat\/signed-\d+:1@sha256:[a-f0-9]{64}: the signature does not verify with any trusted key/);
  assert.equal(bad.stdout.trim().split('\n').length, 1);

  const noKey = await runMoat(['verify', `registry:${img.ref}`], { cwd: dir });
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /no trusted signers for 127\.0\.0\.1:\d+\/moat\/signed-\d+: give --key FILE, or a trust\.signatures entry/);
  writeFileSync(join(dir, 'private.pem'), keys.ecdsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const priv = await runMoat(['verify', `registry:${img.ref}`, '--key', 'private.pem'], { cwd: dir });
  assert.equal(priv.code, 2);
  assert.match(priv.stderr, /private\.pem is a private key: give the public key/);
  assert.doesNotMatch(priv.stderr, /PRIVATE KEY/);

  const down = await runMoat(['verify', 'registry:127.0.0.1:9/moat/x:1', '--key', keys.ecdsa.publicFile, '--timeout', '2000'], { cwd: dir });
  assert.equal(down.code, 3, down.stderr);
  assert.match(down.stderr, /^moat: .*127\.0\.0\.1:9/);
});

test('moat.yaml trust.signatures supplies the signers (keys relative to it); a missing key file is an error at its line', async () => {
  const img = await image();
  await cosignSignImage(reg, img.repo, img.digest, keys.rsa);
  const cfgDir = mkdtempSync(join(dir, 'cfg-'));
  copyFileSync(keys.rsa.publicFile, join(cfgDir, 'team.pub'));
  writeFileSync(join(cfgDir, 'moat.yaml'), `trust:\n  signatures:\n    - images: ['${reg.host}/moat/*']\n      keys: [team.pub]\n`);
  const ok = await runMoat(['verify', `registry:${img.ref}`, '--format', 'json'], { cwd: cfgDir });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(String((JSON.parse(ok.stdout) as { policy: string }).policy), /moat\.yaml:3$/);

  writeFileSync(join(cfgDir, 'moat.yaml'), `trust:\n  signatures:\n    - images: ['${reg.host}/moat/*']\n      keys:\n        - missing.pub\n`);
  const missing = await runMoat(['verify', `registry:${img.ref}`], { cwd: cfgDir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /moat\.yaml:5:11: cannot read the key .*missing\.pub: ENOENT/);

  writeFileSync(join(cfgDir, 'moat.yaml'), `trust:\n  signatures:\n    - images: ['other.example.com/*']\n      keys: [${keys.rsa.publicFile}]\n`);
  const unmatched = await runMoat(['verify', `registry:${img.ref}`], { cwd: cfgDir });
  assert.equal(unmatched.code, 2);
  assert.match(unmatched.stderr, /no trusted signers for/);
});

test('an engine image is verified by the registry digest it was pushed with; a local-only image has none', async () => {
  await ensureTestImages();
  const repo = `moat/engine-signed-${process.pid}`;
  const tag = `${reg.host}/${repo}:1`;
  await docker('tag', IMAGES.plain, tag);
  let digest = '';
  try {
    await docker('push', '-q', tag);
    const repoDigests = JSON.parse(await docker('image', 'inspect', '--format', '{{json .RepoDigests}}', tag)) as string[];
    digest = repoDigests.find((d) => d.startsWith(`${reg.host}/${repo}@`))!.split('@')[1]!;
    await cosignSignImage(reg, repo, digest, keys.ed25519);
    const ok = await runMoat(['verify', tag, '--key', keys.ed25519.publicFile], { cwd: dir });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, new RegExp(`^verified: ${reg.host.replace(/\./g, '\\.')}/${repo}@${digest}\n`));
  } finally {
    await docker('rmi', '--no-prune', tag).catch(() => undefined);
    if (digest) await docker('rmi', '--no-prune', `${reg.host}/${repo}@${digest}`).catch(() => undefined);
  }
  const local = await runMoat(['verify', IMAGES.hardened, '--key', keys.ed25519.publicFile], { cwd: dir });
  assert.equal(local.code, 1);
  assert.match(local.stdout, /not verified: moat-test\/hardened:1: no registry digest: image moat-test\/hardened:1 was built locally or never pushed/);
});

test('a huge signature manifest (over 4 MiB) is refused unread: a verdict, not a crash', async () => {
  const img = await image();
  const sigPath = `/v2/${img.repo}/manifests/${img.digest.replace(':', '-')}.sig`;
  const huge = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', pad: 'x'.repeat(5 << 20) });
  const proxy = await startFaultProxy(reg.port, (req) => (req.url === sigPath ? { kind: 'body', status: 200, contentType: 'application/vnd.oci.image.manifest.v1+json', body: huge } : { kind: 'pass' }));
  try {
    const r = await verify(`${proxy.host}/${img.repo}:1`, [signer(keys.ecdsa)]);
    assert.equal(r.code, 'malformed');
    assert.match(r.reason!, /^the signature manifest .* is huge \(over 4096 KiB\): refused unread$/);
  } finally {
    await proxy.close();
  }
});
