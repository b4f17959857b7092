/**
 * A private Sigstore for tests, offline: a Fulcio-like CA (root and intermediate, made
 * with the openssl CLI) issuing short-lived certificates with an email SAN and the OIDC
 * issuer extension (1.3.6.1.4.1.57264.1.8), a Rekor-like log (a P-256 key from node:crypto)
 * that signs entry timestamps and checkpoints over a real RFC 6962 Merkle tree, the
 * trusted_root.json naming both, and v0.3 bundles attached to images as OCI referrers
 * (a manifest with `subject`, listed in the `sha256-<hex>` fallback index).
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { json } from '@sigstore/core';
import type { TestRegistry } from './registry.ts';
import { putManifest, uploadBlob } from './registry-images.ts';

const run = promisify(execFile);

export interface TestCa {
  rootPem: string;
  rootDer: Buffer;
  intermediatePem: string;
  intermediateDer: Buffer;
  dir: string;
}

const der = (pem: string): Buffer => Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64');

/** A root and an intermediate CA (P-256), like Fulcio's chain; `name` keeps several apart. */
export async function makeCa(dir: string, name = 'fulcio'): Promise<TestCa> {
  const p = (f: string): string => join(dir, `${name}-${f}`);
  writeFileSync(p('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', p('root.key'), '-out', p('root.crt'), '-days', '30', '-subj', `/O=${name}/CN=${name}-root`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', p('int.key'), '-out', p('int.csr'), '-subj', `/O=${name}/CN=${name}-intermediate`]);
  await run('openssl', ['x509', '-req', '-in', p('int.csr'), '-CA', p('root.crt'), '-CAkey', p('root.key'), '-CAcreateserial', '-out', p('int.crt'), '-days', '30', '-extfile', p('ca.ext')]);
  const rootPem = readFileSync(p('root.crt'), 'utf8');
  const intermediatePem = readFileSync(p('int.crt'), 'utf8');
  return { rootPem, rootDer: der(rootPem), intermediatePem, intermediateDer: der(intermediatePem), dir: join(dir, name) };
}

export interface TestLeaf {
  privateKey: KeyObject;
  pem: string;
  der: Buffer;
}

/** A Fulcio-like code-signing certificate for `email`, vouched for by `issuer`, valid `days` from now. */
export async function issueLeaf(ca: TestCa, email: string, issuer: string, days = 1): Promise<TestLeaf> {
  const base = `${ca.dir}-leaf-${createHash('sha256').update(email + issuer + Math.random()).digest('hex').slice(0, 8)}`;
  const ext = `${base}.ext`;
  writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nsubjectAltName=critical,email:${email}\n1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${issuer}\n`);
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', '/O=sigstore.dev']);
  await run('openssl', ['x509', '-req', '-in', `${base}.csr`, '-CA', `${ca.dir}-int.crt`, '-CAkey', `${ca.dir}-int.key`, '-CAcreateserial', '-out', `${base}.crt`, '-days', String(days), '-extfile', ext]);
  const pem = readFileSync(`${base}.crt`, 'utf8');
  const { createPrivateKey } = await import('node:crypto');
  return { privateKey: createPrivateKey(readFileSync(`${base}.key`)), pem, der: der(pem) };
}

export interface TestLog {
  privateKey: KeyObject;
  spki: Buffer;
  logId: Buffer;
  origin: string;
  /** Leaves already in the log (each entry adds one). */
  leaves: Buffer[];
}

export function makeLog(origin = 'rekor.test - 1'): TestLog {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const leaves = Array.from({ length: 6 }, (_, i) => Buffer.from(`earlier entry ${i}`));
  return { privateKey, spki, logId: createHash('sha256').update(spki).digest(), origin, leaves };
}

export function trustedRootJson(cas: TestCa[], logs: TestLog[]): unknown {
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: logs.map((l) => ({ baseUrl: 'https://rekor.test', hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: l.spki.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } }, logId: { keyId: l.logId.toString('base64') } })),
    certificateAuthorities: cas.map((c) => ({
      subject: { organization: 'test', commonName: 'fulcio' },
      uri: 'https://fulcio.test',
      certChain: { certificates: [{ rawBytes: c.intermediateDer.toString('base64') }, { rawBytes: c.rootDer.toString('base64') }] },
      validFor: { start: '2020-01-01T00:00:00Z' },
    })),
    ctlogs: [],
    timestampAuthorities: [],
  };
}

const leafHash = (b: Buffer): Buffer => createHash('sha256').update(Buffer.from([0])).update(b).digest();
const nodeHash = (l: Buffer, r: Buffer): Buffer => createHash('sha256').update(Buffer.from([1])).update(l).update(r).digest();
const split = (n: number): number => 2 ** Math.floor(Math.log2(n - 1));

/** RFC 6962 Merkle tree hash. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leafHash(leaves[0]!);
  const k = split(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** RFC 6962 audit path for leaf m, leaf-side first. */
function path(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return m < k ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))] : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

export interface EntryOptions {
  /** Seconds since the epoch; default now. */
  integratedTime?: number;
  /** Break the SET, or leave the body naming another signature. */
  tamperSet?: boolean;
  otherBodySignature?: Buffer;
}

/** Appends a hashedrekord entry for (signature, certificate, artifact digest) and returns it as a bundle's tlogEntries item. */
export function logEntry(log: TestLog, signature: Buffer, certPem: string, artifactSha256: Buffer, opts: EntryOptions = {}): unknown {
  const body = Buffer.from(
    json.canonicalize({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: { data: { hash: { algorithm: 'sha256', value: artifactSha256.toString('hex') } }, signature: { content: (opts.otherBodySignature ?? signature).toString('base64'), publicKey: { content: Buffer.from(certPem).toString('base64') } } },
    }),
  );
  log.leaves.push(body);
  const index = log.leaves.length - 1;
  const integratedTime = opts.integratedTime ?? Math.floor(Date.now() / 1000);
  const setPayload = json.canonicalize({ body: body.toString('base64'), integratedTime, logIndex: index, logID: log.logId.toString('hex') });
  const set = sign('sha256', Buffer.from(setPayload), log.privateKey);
  if (opts.tamperSet) set[set.length - 1]! ^= 1;
  const root = mth(log.leaves);
  const note = `${log.origin}\n${log.leaves.length}\n${root.toString('base64')}\n`;
  const noteSig = Buffer.concat([log.logId.subarray(0, 4), sign('sha256', Buffer.from(note), log.privateKey)]);
  return {
    logIndex: String(index),
    logId: { keyId: log.logId.toString('base64') },
    kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
    inclusionProof: {
      logIndex: String(index),
      rootHash: root.toString('base64'),
      treeSize: String(log.leaves.length),
      hashes: path(index, log.leaves).map((h) => h.toString('base64')),
      checkpoint: { envelope: `${note}\n\u2014 ${log.origin.split(' ')[0]} ${noteSig.toString('base64')}\n` },
    },
    canonicalizedBody: body.toString('base64'),
  };
}

/** A v0.3 bundle: a message signature over the manifest bytes with the leaf's key, logged in `log`. */
export function keylessBundle(manifestBytes: Buffer, leaf: TestLeaf, log: TestLog, opts: EntryOptions = {}): { bundle: unknown; signature: Buffer } {
  const digest = createHash('sha256').update(manifestBytes).digest();
  const signature = sign('sha256', manifestBytes, leaf.privateKey);
  return {
    signature,
    bundle: {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { certificate: { rawBytes: leaf.der.toString('base64') }, tlogEntries: [logEntry(log, signature, leaf.pem, digest, opts)] },
      messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') }, signature: signature.toString('base64') },
    },
  };
}

const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** Attaches bundles to `subject` as OCI referrers and writes the `sha256-<hex>` fallback index listing them (what cosign does on registries without the Referrers API); returns the descriptors a Referrers API would list. */
export async function attachBundles(reg: TestRegistry, repo: string, subject: { digest: string; size: number; mediaType: string }, bundles: unknown[], opts: { fallbackTag?: boolean } = {}): Promise<{ mediaType: string; artifactType: string; digest: string; size: number }[]> {
  const empty = await uploadBlob(reg, repo, Buffer.from('{}'));
  const listed = [];
  for (const b of bundles) {
    const blob = await uploadBlob(reg, repo, Buffer.from(JSON.stringify(b)));
    const mediaType = 'application/vnd.oci.image.manifest.v1+json';
    const manifest = { schemaVersion: 2, mediaType, artifactType: BUNDLE_TYPE, config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty }, layers: [{ mediaType: BUNDLE_TYPE, ...blob }], subject };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await putManifest(reg, repo, digest, mediaType, manifest);
    listed.push({ mediaType, artifactType: BUNDLE_TYPE, digest, size: bytes.length });
  }
  const indexType = 'application/vnd.oci.image.index.v1+json';
  if (opts.fallbackTag !== false) await putManifest(reg, repo, subject.digest.replace(':', '-'), indexType, { schemaVersion: 2, mediaType: indexType, manifests: listed });
  return listed;
}
