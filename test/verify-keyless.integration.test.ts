/**
 * Keyless verification of Sigstore v0.3 bundles attached to images as OCI referrers on a
 * real registry (distribution 2.8, which has no Referrers API: the fallback tag is what
 * is read). A private CA, log and trusted root are made in the test; every verdict is
 * checked against @sigstore/verify, an independent implementation, on the same bundle,
 * manifest bytes, trusted root and identity: the two must agree.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { RegistryClient } from '../src/doors/registry/client.ts';
import { parseTrustedRoot } from '../src/doors/signatures/trusted-root.ts';
import type { VerifyResult } from '../src/doors/signatures/verify-image.ts';
import { SignatureVerifier } from '../src/features/verify/verifier.ts';
import { startFaultProxy } from './support/fault-proxy.ts';
import { runMoat } from './support/moat-cli.ts';
import { startRegistry, type TestRegistry } from './support/registry.ts';
import { uploadImage } from './support/registry-images.ts';
import { attachBundles, issueLeaf, keylessBundle, logEntry, makeCa, makeLog, trustedRootJson, type TestCa, type TestLog } from './support/sigstore.ts';
import { cosignPayload, pushSignatures } from './support/cosign.ts';

const ID = { subject: 'release@example.com', issuer: 'https://accounts.example.com' };

let reg: TestRegistry;
let dir: string;
let ca: TestCa;
let rogueCa: TestCa;
let log: TestLog;
let rootJson: unknown;
let rootFile: string;
let verifier: SignatureVerifier;
let n = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'moat-keyless-'));
  [ca, rogueCa] = await Promise.all([makeCa(dir, 'fulcio'), makeCa(dir, 'rogue')]);
  log = makeLog();
  rootJson = trustedRootJson([ca], [log]);
  rootFile = join(dir, 'trusted_root.json');
  writeFileSync(rootFile, JSON.stringify(rootJson));
  reg = await startRegistry();
  verifier = new SignatureVerifier({ ttlMs: 0 });
});
after(async () => {
  verifier?.close();
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function image(): Promise<{ repo: string; ref: string; manifest: { digest: string; size: number; mediaType: string }; bytes: Buffer }> {
  const repo = `moat/keyless-${n++}`;
  const up = await uploadImage(reg, repo, { platform: { os: 'linux', architecture: 'amd64' }, tag: '1', files: { [`etc/k-${n}`]: `${n}\n` } });
  const client = new RegistryClient(reg.host);
  const bytes = (await client.manifest(repo, up.manifest.digest)).bytes;
  client.close();
  return { repo, ref: `${reg.host}/${repo}:1`, manifest: up.manifest, bytes };
}

/** @sigstore/verify's verdict on the same inputs (no certificate transparency log in this private Sigstore). */
function oracle(bundle: unknown, artifact: Buffer, id = ID): boolean {
  try {
    const material = toTrustMaterial(TrustedRoot.fromJSON(rootJson));
    new Verifier(material, { ctlogThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(bundle), artifact), { subjectAlternativeName: id.subject, extensions: { issuer: id.issuer } });
    return true;
  } catch {
    return false;
  }
}

async function moatVerdict(ref: string, id = ID): Promise<VerifyResult> {
  return verifier.verify(await verifier.resolveRegistry(ref), { signers: [{ kind: 'identity', ...id }], root: parseTrustedRoot(rootJson, rootFile) });
}

async function judged(bundle: unknown, img: Awaited<ReturnType<typeof image>>, id = ID): Promise<VerifyResult> {
  await attachBundles(reg, img.repo, img.manifest, [bundle]);
  const r = await moatVerdict(img.ref, id);
  assert.equal(r.verified, oracle(bundle, img.bytes, id), `Moat and @sigstore/verify disagree: Moat says ${r.verified ? 'verified' : r.reason}`);
  return r;
}

test('a keyless bundle from a trusted identity verifies, and @sigstore/verify agrees', async () => {
  const img = await image();
  const leaf = await issueLeaf(ca, ID.subject, ID.issuer);
  const r = await judged(keylessBundle(img.bytes, leaf, log).bundle, img);
  assert.equal(r.verified, true, r.reason);
  assert.equal(r.signer, `identity ${ID.subject} from ${ID.issuer}`);
  assert.match(r.foundAt!, new RegExp(`:sha256-${img.manifest.digest.slice(7)} \\(referrers fallback tag\\) → sha256:`));
  const sig = r.signatures[0]!;
  assert.equal(sig.format, 'sigstore-bundle');
  assert.deepEqual(sig.identity, ID);
  assert.match(sig.integratedTime!, /^\d{4}-\d\d-\d\dT/);
});

test('another identity of the same CA: untrusted signer, naming who signed', async () => {
  const img = await image();
  const leaf = await issueLeaf(ca, 'intern@example.com', ID.issuer);
  const r = await judged(keylessBundle(img.bytes, leaf, log).bundle, img);
  assert.equal(r.code, 'untrusted-signer');
  assert.match(r.reason!, /^signed by intern@example\.com \(issuer https:\/\/accounts\.example\.com\), not a trusted identity/);
});

test('the right identity from another issuer is not the trusted identity', async () => {
  const img = await image();
  const leaf = await issueLeaf(ca, ID.subject, 'https://evil.example.com');
  const r = await judged(keylessBundle(img.bytes, leaf, log).bundle, img);
  assert.equal(r.code, 'untrusted-signer');
});

test('a certificate from a CA the trusted root does not list: the chain does not end in the trusted root', async () => {
  const img = await image();
  const leaf = await issueLeaf(rogueCa, ID.subject, ID.issuer);
  const r = await judged(keylessBundle(img.bytes, leaf, log).bundle, img);
  assert.equal(r.code, 'untrusted-chain');
  assert.match(r.reason!, /the certificate chain does not end in the trusted root/);
});

test('a certificate that had expired when the log integrated the signature', async () => {
  const img = await image();
  const leaf = await issueLeaf(ca, ID.subject, ID.issuer, 1);
  const r = await judged(keylessBundle(img.bytes, leaf, log, { integratedTime: Math.floor(Date.now() / 1000) + 3 * 86400 }).bundle, img);
  assert.equal(r.code, 'expired-certificate');
  assert.match(r.reason!, /the certificate was not valid when the signature was logged \(.*\): it is valid from .* to /);
});

test('a signed entry timestamp that does not verify, and a log entry for another signature: transparency log verdicts', async () => {
  const leaf = await issueLeaf(ca, ID.subject, ID.issuer);
  const a = await image();
  const ra = await judged(keylessBundle(a.bytes, leaf, log, { tamperSet: true }).bundle, a);
  assert.equal(ra.code, 'tlog');
  assert.match(ra.reason!, /signed entry timestamp does not verify/);
  const b = await image();
  const rb = await judged(keylessBundle(b.bytes, leaf, log, { otherBodySignature: Buffer.alloc(70, 1) }).bundle, b);
  assert.equal(rb.code, 'tlog');
  assert.match(rb.reason!, /records a different signature/);
});

test('a bundle that signs another image\'s manifest, attached to this one: digest mismatch', async () => {
  const leaf = await issueLeaf(ca, ID.subject, ID.issuer);
  const other = await image();
  const img = await image();
  const r = await judged(keylessBundle(other.bytes, leaf, log).bundle, img);
  assert.equal(r.code, 'digest-mismatch');
  assert.equal(r.reason, `digest mismatch: the bundle signs ${other.manifest.digest}, but the image is ${img.manifest.digest}`);
});

test('something that is not a bundle, and the same bundle attached twice', async () => {
  const img = await image();
  const r = await judged({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {} }, img);
  assert.equal(r.code, 'malformed');
  assert.match(r.reason!, /^the Sigstore bundle is malformed/);
  const twice = await image();
  const { bundle } = keylessBundle(twice.bytes, await issueLeaf(ca, ID.subject, ID.issuer), log);
  await attachBundles(reg, twice.repo, twice.manifest, [bundle, bundle]);
  const d = await moatVerdict(twice.ref);
  // Identical bundles make identical manifests: the fallback index lists one digest twice.
  assert.equal(d.code, 'duplicate');
  assert.match(d.reason!, /duplicate signature/);
});

test('the CLI: keyless flags verify (exit 0, identity in JSON); a partial set of them is a usage error', async () => {
  const img = await image();
  await attachBundles(reg, img.repo, img.manifest, [keylessBundle(img.bytes, await issueLeaf(ca, ID.subject, ID.issuer), log).bundle]);
  const ok = await runMoat(['verify', `registry:${img.ref}`, '--certificate-identity', ID.subject, '--certificate-oidc-issuer', ID.issuer, '--trusted-root', rootFile, '--format', 'json'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const doc = JSON.parse(ok.stdout) as VerifyResult;
  assert.equal(doc.digest, img.manifest.digest);
  assert.deepEqual(doc.signatures[0]!.identity, ID);
  const wrong = await runMoat(['verify', `registry:${img.ref}`, '--certificate-identity', 'x@example.com', '--certificate-oidc-issuer', ID.issuer, '--trusted-root', rootFile], { cwd: dir });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stdout, /^not verified: .*: signed by release@example\.com/);
  const partial = await runMoat(['verify', `registry:${img.ref}`, '--certificate-identity', ID.subject], { cwd: dir });
  assert.equal(partial.code, 2);
  assert.match(partial.stderr, /takes all three of --certificate-identity, --certificate-oidc-issuer and --trusted-root/);
  const digest = createHash('sha256').update(img.bytes).digest('hex');
  assert.equal(`sha256:${digest}`, img.manifest.digest);
});

/** A keyless tag signature as cosign wrote them before bundles: certificate, chain and Rekor bundle in the layer's annotations. */
async function keylessTagSignature(img: Awaited<ReturnType<typeof image>>, leaf: Awaited<ReturnType<typeof issueLeaf>>, withBundle = true): Promise<{ payload: Buffer; v01: unknown }> {
  const payload = cosignPayload(`${reg.host}/${img.repo}`, img.manifest.digest);
  const signature = sign('sha256', payload, leaf.privateKey);
  const entry = logEntry(log, signature, leaf.pem, createHash('sha256').update(payload).digest()) as { logIndex: string; integratedTime: string; canonicalizedBody: string; inclusionPromise: { signedEntryTimestamp: string } };
  const rekorBundle = { SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp, Payload: { body: entry.canonicalizedBody, integratedTime: Number(entry.integratedTime), logIndex: Number(entry.logIndex), logID: log.logId.toString('hex') } };
  await pushSignatures(reg, img.repo, img.manifest.digest, [
    { payload, signature: signature.toString('base64'), annotations: { 'dev.sigstore.cosign/certificate': leaf.pem, 'dev.sigstore.cosign/chain': ca.intermediatePem + ca.rootPem, ...(withBundle ? { 'dev.sigstore.cosign/bundle': JSON.stringify(rekorBundle) } : {}) } },
  ]);
  // The same material as a v0.1 bundle (inclusion promise only), for the oracle.
  const { inclusionProof: _proof, ...promiseOnly } = entry as unknown as Record<string, unknown>;
  const v01 = {
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: { x509CertificateChain: { certificates: [{ rawBytes: leaf.der.toString('base64') }] }, tlogEntries: withBundle ? [promiseOnly] : [] },
    messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') }, signature: signature.toString('base64') },
  };
  return { payload, v01 };
}

test('keyless tag signatures (certificate, chain and Rekor bundle annotations) verify; another identity or no bundle do not; @sigstore/verify agrees', async () => {
  const good = await image();
  const g = await keylessTagSignature(good, await issueLeaf(ca, ID.subject, ID.issuer));
  const r = await moatVerdict(good.ref);
  assert.equal(r.verified, true, r.reason);
  assert.equal(r.signatures[0]!.format, 'cosign-tag');
  assert.deepEqual(r.signatures[0]!.identity, ID);
  assert.equal(oracle(g.v01, g.payload), true);

  const other = await image();
  const o = await keylessTagSignature(other, await issueLeaf(ca, 'intern@example.com', ID.issuer));
  const ro = await moatVerdict(other.ref);
  assert.equal(ro.code, 'untrusted-signer');
  assert.equal(oracle(o.v01, o.payload), false);

  const bare = await image();
  const b = await keylessTagSignature(bare, await issueLeaf(ca, ID.subject, ID.issuer), false);
  const rb = await moatVerdict(bare.ref);
  assert.equal(rb.code, 'tlog');
  assert.match(rb.reason!, /without a dev\.sigstore\.cosign\/bundle annotation/);
  assert.equal(oracle(b.v01, b.payload), false);
});

test('a registry with the Referrers API: bundles are found through GET /v2/<name>/referrers/<digest>, not the fallback tag', async () => {
  const img = await image();
  const { bundle } = keylessBundle(img.bytes, await issueLeaf(ca, ID.subject, ID.issuer), log);
  const listed = await attachBundles(reg, img.repo, img.manifest, [bundle], { fallbackTag: false });
  // distribution 2.8 has no Referrers API: a proxy in front of it answers that one endpoint, as a 1.1 registry would.
  const referrersPath = `/v2/${img.repo}/referrers/${img.manifest.digest}`;
  const index = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: listed });
  const proxy = await startFaultProxy(reg.port, (req) => (req.url === referrersPath ? { kind: 'body', status: 200, contentType: 'application/vnd.oci.image.index.v1+json', body: index } : { kind: 'pass' }));
  try {
    const r = await verifier.verify(await verifier.resolveRegistry(`${proxy.host}/${img.repo}@${img.manifest.digest}`), { signers: [{ kind: 'identity', ...ID }], root: parseTrustedRoot(rootJson, rootFile) });
    assert.equal(r.verified, true, r.reason);
    assert.match(r.foundAt!, /referrers API → sha256:/);
    assert.ok(proxy.seen.includes(`GET ${referrersPath}`));
    assert.ok(!proxy.seen.some((l) => l.includes(`/manifests/${img.manifest.digest.replace(':', '-')}`) && !l.includes('.sig')), 'the fallback tag is not read when the API answers');
  } finally {
    await proxy.close();
  }
});
