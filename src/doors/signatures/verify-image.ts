import { createHash } from 'node:crypto';
import type { RegistryClient } from '../registry/client.ts';
import { readLegacySignatures, signatureTag, type LegacySignatureLayer } from '../registry/cosign.ts';
import { readReferrerBundles } from '../registry/referrers.ts';
import { entryFromTagAnnotation, verifyBundle, verifyKeyless } from './bundle.ts';
import { pemBody } from './rekor.ts';
import type { SigstoreTrustedRoot } from './trusted-root.ts';
import type { ImageReference } from '../registry/reference.ts';
import { verifyWithKey } from './keys.ts';
import { describeSigner, referenceAccepted, type Signer } from './policy.ts';
import { parseSimpleSigning } from './simple-signing.ts';

/**
 * Judges the cosign signatures of one image digest in its registry against the signers
 * a policy trusts. The verdict is verified when at least one signature is from a trusted
 * signer, over a valid simple-signing payload naming this digest and an accepted
 * reference. Otherwise `reason` is one line saying why, and every signature found keeps
 * its own verdict for --format json.
 */

export type FailureCode =
  | 'no-signature'
  | 'malformed'
  | 'not-simple-signing'
  | 'duplicate'
  | 'untrusted-signer'
  | 'bad-payload'
  | 'digest-mismatch'
  | 'reference-mismatch'
  | 'unsupported'
  | 'untrusted-chain'
  | 'expired-certificate'
  | 'tlog';

export interface SignatureVerdict {
  /** `127.0.0.1:5000/app:sha256-….sig layer 0`. */
  foundAt: string;
  format: 'cosign-tag' | 'sigstore-bundle';
  verified: boolean;
  code?: FailureCode;
  reason?: string;
  /** The trusted signer whose key verified it. */
  signer?: string;
  keyFingerprint?: string;
  dockerReference?: string;
  signedDigest?: string;
  /** A keyless signer's certificate identity, and when the log integrated the signature. */
  identity?: { subject: string; issuer: string };
  integratedTime?: string;
}

export interface VerifyResult {
  verified: boolean;
  /** The image as named, and the digest judged. */
  image: string;
  digest: string;
  code?: FailureCode;
  reason?: string;
  /** The first verified signature's signer and location, when verified. */
  signer?: string;
  foundAt?: string;
  signatures: SignatureVerdict[];
}

export interface VerifyRequest {
  client: RegistryClient;
  reference: ImageReference;
  digest: string;
  signers: readonly Signer[];
  /** Accepted docker-reference patterns; absent: the image's own repository. */
  references?: readonly string[];
  /** Fulcio CAs and Rekor logs keyless signatures are checked against. */
  root?: SigstoreTrustedRoot;
}

/** Failures ordered by how far a signature got: the reason reported is the furthest one. */
const PROGRESS: FailureCode[] = ['no-signature', 'malformed', 'unsupported', 'not-simple-signing', 'duplicate', 'tlog', 'untrusted-chain', 'expired-certificate', 'untrusted-signer', 'bad-payload', 'reference-mismatch', 'digest-mismatch'];

export async function verifyImageSignatures(req: VerifyRequest): Promise<VerifyResult> {
  const { client, reference, digest } = req;
  const base = { image: reference.familiar, digest };
  const found = await readLegacySignatures(client, reference.path, digest);
  const referrers = await readReferrerBundles(client, reference.path, digest);
  const verdicts: SignatureVerdict[] = [];
  if (found.found && found.problem !== undefined) verdicts.push(failed(found.where, 'malformed', found.problem));
  if (found.found && found.problem === undefined) {
    const seen = new Map<string, number>();
    for (const layer of found.layers) {
      const key = createHash('sha256').update(`${layer.descriptor.digest}\n${layer.signature ?? ''}`).digest('hex');
      const first = seen.get(key);
      if (first === undefined) seen.set(key, layer.index);
      const at = `${found.where} layer ${layer.index}`;
      verdicts.push(first !== undefined ? failed(at, 'duplicate', `duplicate signature: layer ${layer.index} repeats layer ${first} (a signature manifest cosign wrote has each signature once)`) : judgeLayer(layer, at, req));
    }
  }
  if (referrers.problem !== undefined) verdicts.push(failed(referrers.via ?? reference.name, 'malformed', referrers.problem, { format: 'sigstore-bundle' }));
  if (referrers.bundles.length) {
    const manifestBytes = (await client.manifest(reference.path, digest)).bytes;
    const seen = new Set<string>();
    for (const b of referrers.bundles) {
      if (b.problem !== undefined || !b.bytes) {
        verdicts.push(failed(b.foundAt, 'malformed', b.problem ?? 'no bundle', { format: 'sigstore-bundle' }));
        continue;
      }
      const key = createHash('sha256').update(b.bytes).digest('hex');
      if (seen.has(key)) {
        verdicts.push(failed(b.foundAt, 'duplicate', 'duplicate signature: the same bundle is attached twice', { format: 'sigstore-bundle' }));
        continue;
      }
      seen.add(key);
      const v = verifyBundle(b.bytes, { digest, manifestBytes, signers: req.signers, ...(req.root ? { root: req.root } : {}) });
      verdicts.push(
        v.ok
          ? { foundAt: b.foundAt, format: 'sigstore-bundle', verified: true, signer: v.signer, ...(v.keyFingerprint ? { keyFingerprint: v.keyFingerprint } : {}), ...(v.identity ? { identity: v.identity } : {}), ...(v.integratedTime ? { integratedTime: v.integratedTime } : {}), signedDigest: digest }
          : failed(b.foundAt, v.code, v.reason, { format: 'sigstore-bundle', ...(v.identity ? { identity: v.identity } : {}) }),
      );
    }
  }
  if (verdicts.length === 0) {
    return { ...base, verified: false, code: 'no-signature', reason: `no signature: ${client.domain}/${reference.path} has no cosign signature tag ${signatureTag(digest)} and no Sigstore bundle referring to ${digest}`, signatures: [] };
  }
  const good = verdicts.find((v) => v.verified);
  const duplicate = verdicts.find((v) => v.code === 'duplicate');
  // A manifest that repeats a signature was not written by cosign: the whole verdict says so.
  if (duplicate) return { ...base, verified: false, code: 'duplicate', reason: duplicate.reason!, signatures: verdicts };
  if (good) return { ...base, verified: true, signer: good.signer!, foundAt: good.foundAt, signatures: verdicts };
  const furthest = [...verdicts].sort((a, b) => PROGRESS.indexOf(b.code!) - PROGRESS.indexOf(a.code!))[0]!;
  const reason = verdicts.length === 1 ? furthest.reason! : `none of ${verdicts.length} signatures verified; the closest, ${furthest.foundAt}: ${furthest.reason!}`;
  return { ...base, verified: false, code: furthest.code!, reason, signatures: verdicts };
}

function failed(foundAt: string, code: FailureCode, reason: string, extra: Partial<SignatureVerdict> = {}): SignatureVerdict {
  return { foundAt, format: 'cosign-tag', verified: false, code, reason, ...extra };
}

function judgeLayer(layer: LegacySignatureLayer, at: string, req: VerifyRequest): SignatureVerdict {
  if (layer.problem !== undefined || layer.payload === undefined) {
    const code: FailureCode = /media type/.test(layer.problem ?? '') ? 'not-simple-signing' : 'malformed';
    return failed(at, code, layer.problem ?? `layer ${layer.index} has no payload`);
  }
  const signature = decodeBase64(layer.signature ?? '');
  if (!signature) return failed(at, 'malformed', `layer ${layer.index}'s signature annotation is not base64`);
  const keys = req.signers.filter((s): s is Extract<Signer, { kind: 'key' }> => s.kind === 'key');
  const signer = keys.find((s) => verifyWithKey(s.key, layer.payload!, signature));
  let who: Partial<SignatureVerdict>;
  if (signer) who = { signer: describeSigner(signer), keyFingerprint: signer.key.fingerprint };
  else if (layer.certificate && keys.length < req.signers.length) {
    // Keyless: the certificate, chain and Rekor entry ride in the layer's annotations.
    const entry = entryFromTagAnnotation(layer.bundle);
    if (typeof entry === 'string') return failed(at, 'tlog', entry);
    const v = verifyKeyless({ rawCert: Buffer.from(pemBody(layer.certificate)), signature, signed: layer.payload, entries: [entry], signers: req.signers, ...(req.root ? { root: req.root } : {}) });
    if (!v.ok) return failed(at, v.code, v.reason, v.identity ? { identity: v.identity } : {});
    who = { signer: v.signer, ...(v.identity ? { identity: v.identity } : {}), ...(v.integratedTime ? { integratedTime: v.integratedTime } : {}) };
  } else {
    const trusted = keys.length ? `any trusted key (${keys.map((k) => describeSigner(k)).join(', ')})` : 'a trusted key: the policy names no keys';
    return failed(at, 'untrusted-signer', `the signature does not verify with ${trusted}${layer.certificate ? '; it is a keyless (certificate) signature' : ''}`);
  }
  const parsed = parseSimpleSigning(layer.payload);
  if (!parsed.ok) return failed(at, 'bad-payload', parsed.reason, who);
  const claims = { dockerReference: parsed.payload.dockerReference, signedDigest: parsed.payload.manifestDigest };
  if (parsed.payload.manifestDigest !== req.digest) {
    return failed(at, 'digest-mismatch', `digest mismatch: the signature is for ${parsed.payload.manifestDigest}, but the image is ${req.digest} (a signature moved to another image's tag)`, { ...who, ...claims });
  }
  const ref = referenceAccepted(parsed.payload.dockerReference, req.reference, req.references);
  if (!ref.ok) return failed(at, 'reference-mismatch', ref.reason, { ...who, ...claims });
  return { foundAt: at, format: 'cosign-tag', verified: true, ...who, ...claims };
}

function decodeBase64(s: string): Buffer | undefined {
  const t = s.trim();
  if (t === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) return undefined;
  return Buffer.from(t, 'base64');
}
