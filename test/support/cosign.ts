/**
 * Signing like cosign, with node:crypto, and storing the signatures in a test registry
 * exactly where and how cosign stores them: an OCI manifest under the tag
 * `sha256-<hex>.sig` whose layers are simple-signing payloads
 * (application/vnd.dev.cosign.simplesigning.v1+json) carrying the base64 signature in
 * the `dev.cosignproject.cosign/signature` annotation, with cosign's config blob.
 */
import { generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestRegistry } from './registry.ts';
import { putManifest, sha256, uploadBlob } from './registry-images.ts';

export type TestKeyKind = 'ecdsa' | 'ed25519' | 'rsa';

export interface TestKey {
  kind: TestKeyKind;
  privateKey: KeyObject;
  /** The public key file (PEM, SubjectPublicKeyInfo), as `cosign public-key` writes it. */
  publicFile: string;
}

export function makeKey(dir: string, kind: TestKeyKind, name: string = kind): TestKey {
  const pair =
    kind === 'ecdsa' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicFile = join(dir, `${name}.pub`);
  writeFileSync(publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  return { kind, privateKey: pair.privateKey, publicFile };
}

/** cosign's signature of a payload: ECDSA/SHA-256 (DER), Ed25519 (raw message), RSA PKCS#1 v1.5/SHA-256; base64. */
export function cosignSign(key: TestKey, payload: Buffer): string {
  if (key.kind === 'ed25519') return sign(null, payload, key.privateKey).toString('base64');
  if (key.kind === 'rsa') return sign('sha256', payload, { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }).toString('base64');
  return sign('sha256', payload, { key: key.privateKey, dsaEncoding: 'der' }).toString('base64');
}

/** The payload `cosign sign` writes: the repository (no tag) and the manifest digest. */
export function cosignPayload(dockerReference: string, digest: string, extra: { critical?: Record<string, unknown>; optional?: Record<string, unknown> | null } = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature', ...extra.critical },
      optional: extra.optional ?? null,
    }),
  );
}

export interface SignatureLayer {
  payload: Buffer;
  /** The base64 signature annotation; omitted when undefined. */
  signature?: string;
  mediaType?: string;
  annotations?: Record<string, string>;
}

/** Pushes a signature manifest of `layers` to `repo` under the tag for `digest` (cosign's layout); returns its digest. */
export async function pushSignatures(reg: TestRegistry, repo: string, digest: string, layers: SignatureLayer[]): Promise<string> {
  const descriptors = [];
  const uploaded = new Map<string, { digest: string; size: number }>();
  for (const l of layers) {
    const known = uploaded.get(sha256(l.payload));
    const blob = known ?? (await uploadBlob(reg, repo, l.payload));
    uploaded.set(blob.digest, blob);
    descriptors.push({
      mediaType: l.mediaType ?? 'application/vnd.dev.cosign.simplesigning.v1+json',
      ...blob,
      annotations: { ...(l.signature !== undefined ? { 'dev.cosignproject.cosign/signature': l.signature } : {}), ...l.annotations },
    });
  }
  // cosign's config: an empty image config whose diff_ids are the payloads' digests.
  const config = Buffer.from(
    JSON.stringify({ architecture: '', created: '0001-01-01T00:00:00Z', history: [{ created: '0001-01-01T00:00:00Z' }], os: '', rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.payload)) }, config: {} }),
  );
  const cfg = await uploadBlob(reg, repo, config);
  const mediaType = 'application/vnd.oci.image.manifest.v1+json';
  const manifest = { schemaVersion: 2, mediaType, config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg }, layers: descriptors };
  return (await putManifest(reg, repo, `${digest.replace(':', '-')}.sig`, mediaType, manifest)).digest;
}

/** Signs `digest` of `host/repo` with `key` as `cosign sign --key` would, and pushes it. */
export async function cosignSignImage(reg: TestRegistry, repo: string, digest: string, key: TestKey): Promise<void> {
  const payload = cosignPayload(`${reg.host}/${repo}`, digest);
  await pushSignatures(reg, repo, digest, [{ payload, signature: cosignSign(key, payload) }]);
}
