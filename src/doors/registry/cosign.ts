import { MANIFEST_LIMIT, type RegistryClient } from './client.ts';
import { RegistryError } from './errors.ts';
import { parseManifest, type Descriptor } from './manifest.ts';

/**
 * cosign's "legacy" signature storage, read from a registry: the signatures of the image
 * with digest `sha256:<hex>` live in the same repository under the tag `sha256-<hex>.sig`,
 * an OCI image manifest whose every layer is one signature: a simple-signing payload blob
 * and, in the layer's annotations, the signature itself (and, for keyless signing, the
 * certificate, its chain and a Rekor bundle). This module only fetches and shapes them;
 * judging them is src/signatures.
 */

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
} as const;

/** A signature manifest with more signatures than this is refused (cosign appends one per `cosign sign`). */
export const MAX_SIGNATURES = 256;
/** Simple-signing payloads are a few hundred bytes; `optional` claims rarely add kilobytes. */
export const MAX_PAYLOAD_BYTES = 256 << 10;

export interface LegacySignatureLayer {
  /** Position in the signature manifest (named in reasons). */
  index: number;
  descriptor: Descriptor;
  /** The payload bytes (verified against the layer digest), absent when the layer is refused before fetching. */
  payload?: Buffer;
  /** The layer's annotations: the signature and the keyless material. */
  signature?: string;
  certificate?: string;
  chain?: string;
  bundle?: string;
  /** Why this layer cannot be a signature, when it cannot (wrong media type, too large, no signature). */
  problem?: string;
}

export type LegacySignatures =
  | { found: false; tag: string; where: string }
  /** The tag exists but its manifest is not a usable signature manifest: `problem` says why. */
  | { found: true; tag: string; where: string; manifestDigest?: string; problem: string; layers: [] }
  | { found: true; tag: string; where: string; manifestDigest: string; problem?: undefined; layers: LegacySignatureLayer[] };

/** `sha256:abc…` → `sha256-abc….sig`, cosign's tag for the signatures of that digest. */
export function signatureTag(digest: string, suffix = 'sig'): string {
  return `${digest.replace(':', '-')}.${suffix}`;
}

/**
 * Fetches the signature manifest of `digest` in `repository` and the payload of every
 * layer that is a simple-signing signature. Content that is not a signature manifest
 * comes back as a `problem` (a verdict); the registry failing (unreachable, refusing,
 * sending bytes that do not match their digest) throws a RegistryError (could not complete).
 */
export async function readLegacySignatures(client: RegistryClient, repository: string, digest: string): Promise<LegacySignatures> {
  const tag = signatureTag(digest);
  const where = `${client.domain}/${repository}:${tag}`;
  let fetched;
  try {
    fetched = await client.manifest(repository, tag);
  } catch (e) {
    if (e instanceof RegistryError && (e.code === 'manifest-unknown' || e.code === 'name-unknown')) return { found: false, tag, where };
    if (e instanceof RegistryError && e.code === 'too-large') return { found: true, tag, where, problem: `the signature manifest ${where} is huge (over ${MANIFEST_LIMIT >> 10} KiB): refused unread`, layers: [] };
    throw e;
  }
  let manifest;
  try {
    const parsed = parseManifest(fetched.bytes, fetched.contentType, where);
    if (parsed.kind !== 'image') return { found: true, tag, where, manifestDigest: fetched.digest, problem: `the signature tag ${where} names an index, not a signature manifest`, layers: [] };
    manifest = parsed.manifest;
  } catch (e) {
    if (e instanceof RegistryError && (e.code === 'protocol' || e.code === 'unsupported')) return { found: true, tag, where, manifestDigest: fetched.digest, problem: `the signature manifest is malformed: ${e.message}`, layers: [] };
    throw e;
  }
  if (manifest.layers.length === 0) return { found: true, tag, where, manifestDigest: fetched.digest, problem: `the signature manifest ${where} has no layers, so no signatures`, layers: [] };
  if (manifest.layers.length > MAX_SIGNATURES) {
    return { found: true, tag, where, manifestDigest: fetched.digest, problem: `the signature manifest ${where} lists ${manifest.layers.length} layers, over Moat's limit of ${MAX_SIGNATURES} signatures: refused`, layers: [] };
  }
  const layers: LegacySignatureLayer[] = [];
  for (const [index, d] of manifest.layers.entries()) {
    const a = d.annotations ?? {};
    const layer: LegacySignatureLayer = {
      index,
      descriptor: d,
      ...(a[COSIGN_ANNOTATIONS.signature] !== undefined ? { signature: a[COSIGN_ANNOTATIONS.signature] } : {}),
      ...(a[COSIGN_ANNOTATIONS.certificate] ? { certificate: a[COSIGN_ANNOTATIONS.certificate] } : {}),
      ...(a[COSIGN_ANNOTATIONS.chain] ? { chain: a[COSIGN_ANNOTATIONS.chain] } : {}),
      ...(a[COSIGN_ANNOTATIONS.bundle] ? { bundle: a[COSIGN_ANNOTATIONS.bundle] } : {}),
    };
    if (d.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) layer.problem = `layer ${index} has media type ${JSON.stringify(d.mediaType)}, not a cosign simple-signing payload (${SIMPLE_SIGNING_MEDIA_TYPE})`;
    else if (layer.signature === undefined) layer.problem = `layer ${index} has no ${COSIGN_ANNOTATIONS.signature} annotation, so it carries no signature`;
    else if (d.size > MAX_PAYLOAD_BYTES) layer.problem = `layer ${index}'s payload is ${d.size} bytes, over Moat's limit of ${MAX_PAYLOAD_BYTES} for a simple-signing payload: refused unread`;
    else layer.payload = await client.blobBytes(repository, d, MAX_PAYLOAD_BYTES, `the signature payload ${d.digest}`);
    layers.push(layer);
  }
  return { found: true, tag, where, manifestDigest: fetched.digest, layers };
}

/** The digest a tag (or digest) names, without choosing a platform: what cosign signs. */
export async function resolveDigest(client: RegistryClient, repository: string, reference: string): Promise<string> {
  return (await client.manifest(repository, reference)).digest;
}
