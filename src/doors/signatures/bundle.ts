import { createHash, createPublicKey, verify } from 'node:crypto';
import { bundleFromJSON, type Bundle, type TransparencyLogEntry } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { verifyWithKey } from './keys.ts';
import { describeSigner, type Signer } from './policy.ts';
import { logFor, verifyHashedRekordBody, verifyInclusionProof, verifySignedEntryTimestamp } from './rekor.ts';
import { within, type SigstoreTrustedRoot } from './trusted-root.ts';

/**
 * A Sigstore bundle (v0.1-v0.3) signing an image: a message signature over the image
 * manifest (its digest is the artifact digest), made with a trusted key or with a
 * Fulcio certificate. A certificate is trusted when it chains to a certificate authority
 * of the trusted root, was valid at the time the transparency log integrated the entry
 * (the log's signed entry timestamp vouches for that time), and names a trusted identity:
 * its subject alternative name and its OIDC issuer extension. Offline: nothing is fetched.
 */

export const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
export const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

export type BundleFailure = 'malformed' | 'unsupported' | 'digest-mismatch' | 'untrusted-signer' | 'untrusted-chain' | 'expired-certificate' | 'tlog';

export type BundleVerdict =
  | { ok: true; signer: string; keyFingerprint?: string; identity?: { subject: string; issuer: string }; integratedTime?: string }
  | { ok: false; code: BundleFailure; reason: string; identity?: { subject: string; issuer: string } };

export interface BundleContext {
  /** The image manifest digest and bytes: the signed artifact. */
  digest: string;
  manifestBytes: Buffer;
  signers: readonly Signer[];
  root?: SigstoreTrustedRoot;
}

export function verifyBundle(raw: Buffer, ctx: BundleContext): BundleVerdict {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(JSON.parse(raw.toString('utf8')));
  } catch (e) {
    return { ok: false, code: 'malformed', reason: `the Sigstore bundle is malformed: ${(e as Error).message}` };
  }
  if (bundle.content.$case !== 'messageSignature') return { ok: false, code: 'unsupported', reason: 'the bundle holds a DSSE envelope (an attestation), not a signature of the image manifest' };
  const ms = bundle.content.messageSignature;
  const signature = Buffer.from(ms.signature);
  const artifact = createHash('sha256').update(ctx.manifestBytes).digest();
  if (`sha256:${artifact.toString('hex')}` !== ctx.digest) return { ok: false, code: 'digest-mismatch', reason: `the manifest read has digest sha256:${artifact.toString('hex')}, not ${ctx.digest}` };
  const md = ms.messageDigest;
  if (md && (md.algorithm !== 1 || !Buffer.from(md.digest).equals(artifact))) {
    return { ok: false, code: 'digest-mismatch', reason: `digest mismatch: the bundle signs ${md.algorithm === 1 ? `sha256:${Buffer.from(md.digest).toString('hex')}` : 'a digest that is not SHA-256'}, but the image is ${ctx.digest}` };
  }
  const material = bundle.verificationMaterial.content;
  if (material.$case === 'publicKey') {
    const keys = ctx.signers.filter((s): s is Extract<Signer, { kind: 'key' }> => s.kind === 'key');
    const signer = keys.find((k) => verifyWithKey(k.key, ctx.manifestBytes, signature));
    if (!signer) return { ok: false, code: 'untrusted-signer', reason: `the bundle's signature does not verify with ${keys.length ? `any trusted key (${keys.map(describeSigner).join(', ')})` : 'a trusted key: the policy names no keys'}` };
    return { ok: true, signer: describeSigner(signer), keyFingerprint: signer.key.fingerprint };
  }
  const rawCert = material.$case === 'certificate' ? material.certificate.rawBytes : material.x509CertificateChain.certificates[0]?.rawBytes;
  if (!rawCert) return { ok: false, code: 'malformed', reason: 'the bundle has an empty certificate chain' };
  return verifyKeyless({ rawCert: Buffer.from(rawCert), signature, signed: ctx.manifestBytes, entries: bundle.verificationMaterial.tlogEntries, signers: ctx.signers, ...(ctx.root ? { root: ctx.root } : {}) });
}

export interface KeylessInput {
  /** The Fulcio certificate (DER). */
  rawCert: Buffer<ArrayBuffer>;
  signature: Buffer;
  /** The bytes signed: the image manifest (bundles) or the simple-signing payload (tag signatures). */
  signed: Buffer;
  entries: readonly TransparencyLogEntry[];
  signers: readonly Signer[];
  root?: SigstoreTrustedRoot;
}

/** A keyless signature: certificate, transparency log entry, chain at the integrated time, identity, signature. */
export function verifyKeyless(input: KeylessInput): BundleVerdict {
  const { rawCert, signature } = input;
  const artifact = createHash('sha256').update(input.signed).digest();
  const ctx = { signers: input.signers, root: input.root, manifestBytes: input.signed };
  const identities = ctx.signers.filter((s): s is Extract<Signer, { kind: 'identity' }> => s.kind === 'identity');
  if (identities.length === 0) return { ok: false, code: 'untrusted-signer', reason: 'a keyless (certificate) signature, but the policy names no identities (--certificate-identity and --certificate-oidc-issuer)' };
  if (!ctx.root) return { ok: false, code: 'unsupported', reason: 'a keyless (certificate) signature needs a trusted root to be checked: give --trusted-root FILE (trusted_root.json)' };
  let leaf: X509Certificate;
  try {
    leaf = X509Certificate.parse(rawCert);
  } catch (e) {
    return { ok: false, code: 'malformed', reason: `the bundle's certificate is not a certificate: ${(e as Error).message}` };
  }
  const identity = identityOf(leaf);
  // The log fixes the signing time: without a verified entry there is no time to judge the certificate at.
  const entries = input.entries;
  if (entries.length === 0) return { ok: false, code: 'tlog', reason: 'the bundle has no transparency log entry, so the signing time (and the certificate\'s validity then) cannot be established' };
  let integrated: Date | undefined;
  let lastReason = '';
  for (const entry of entries) {
    const at = new Date(Number(entry.integratedTime) * 1000);
    const log = logFor(entry, ctx.root.tlogs, at);
    if (!log) {
      lastReason = `the transparency log entry is from a log the trusted root ${ctx.root.source} does not list (log ID ${Buffer.from(entry.logId?.keyId ?? []).toString('hex').slice(0, 16)}…) or not for ${at.toISOString()}`;
      continue;
    }
    const checks = [verifySignedEntryTimestamp(entry, log), ...(entry.inclusionProof ? [verifyInclusionProof(entry, log)] : []), verifyHashedRekordBody(entry, signature, rawCert, artifact)];
    const bad = checks.find((c) => !c.ok);
    if (bad && !bad.ok) {
      lastReason = bad.reason;
      continue;
    }
    integrated = at;
    break;
  }
  if (!integrated) return { ok: false, code: 'tlog', reason: lastReason, ...(identity ? { identity } : {}) };
  const chain = chainToRoot(leaf, integrated, ctx.root);
  if (!chain.ok) return { ok: false, code: chain.code, reason: chain.reason, ...(identity ? { identity } : {}) };
  if (!identity) return { ok: false, code: 'malformed', reason: 'the certificate names no identity (no email or URI subject alternative name, or no OIDC issuer extension)' };
  const trusted = identities.find((i) => i.subject === identity.subject && i.issuer === identity.issuer);
  if (!trusted) return { ok: false, code: 'untrusted-signer', reason: `signed by ${identity.subject} (issuer ${identity.issuer}), not a trusted identity (${identities.map(describeSigner).join(', ')})`, identity };
  let ok = false;
  try {
    ok = verify('sha256', ctx.manifestBytes, createPublicKey({ key: leaf.publicKey, format: 'der', type: 'spki' }), signature);
  } catch {
    ok = false;
  }
  if (!ok) return { ok: false, code: 'untrusted-signer', reason: "the bundle's signature does not verify with its certificate's key", identity };
  return { ok: true, signer: describeSigner(trusted), identity, integratedTime: integrated.toISOString() };
}

function chainToRoot(leaf: X509Certificate, at: Date, root: SigstoreTrustedRoot): { ok: true } | { ok: false; code: 'untrusted-chain' | 'expired-certificate'; reason: string } {
  if (!leaf.validForDate(at)) {
    return { ok: false, code: 'expired-certificate', reason: `the certificate was not valid when the signature was logged (${at.toISOString()}): it is valid from ${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()}` };
  }
  for (const ca of root.cas) {
    if (!within(ca, at)) continue;
    const [issuer, ...rest] = ca.certs;
    if (!issuer || !safeVerify(leaf, issuer)) continue;
    const path = [issuer, ...rest];
    const linked = path.every((c, i) => (i + 1 < path.length ? safeVerify(c, path[i + 1]!) : safeVerify(c, c)));
    if (!linked) continue;
    const expired = path.find((c) => !c.validForDate(at));
    if (expired) return { ok: false, code: 'expired-certificate', reason: `a certificate of the trusted chain (${ca.uri || 'certificate authority'}) was not valid at the signing time ${at.toISOString()}` };
    return { ok: true };
  }
  return { ok: false, code: 'untrusted-chain', reason: `the certificate chain does not end in the trusted root: no certificate authority of ${root.source} valid at ${at.toISOString()} issued it` };
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer);
  } catch {
    return false;
  }
}

/** Fulcio's identity: the email or URI subject alternative name, and the OIDC issuer extension (v2 DER string, else v1 raw). */
export function identityOf(cert: X509Certificate): { subject: string; issuer: string } | undefined {
  const san = cert.extSubjectAltName;
  const subject = san?.rfc822Name ?? san?.uri;
  const v2 = cert.extension(OID_ISSUER_V2);
  const issuer = v2 ? v2.valueObj.subs[0]?.value.toString('utf8') : cert.extension(OID_ISSUER_V1)?.value.toString('utf8');
  return subject && issuer ? { subject, issuer } : undefined;
}

/**
 * cosign's `dev.sigstore.cosign/bundle` annotation (tag signatures): the Rekor entry's
 * signed entry timestamp and the payload it signs, `{SignedEntryTimestamp, Payload:
 * {body, integratedTime, logIndex, logID}}`, as a bundle's transparency log entry.
 */
export function entryFromTagAnnotation(annotation: string | undefined): TransparencyLogEntry | string {
  if (!annotation) return 'a keyless tag signature without a dev.sigstore.cosign/bundle annotation has no transparency log entry, so the signing time cannot be established';
  try {
    const b = JSON.parse(annotation) as { SignedEntryTimestamp?: unknown; Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown } };
    const p = b.Payload;
    if (typeof b.SignedEntryTimestamp !== 'string' || typeof p?.body !== 'string' || typeof p.integratedTime !== 'number' || typeof p.logIndex !== 'number' || typeof p.logID !== 'string' || !/^[0-9a-f]{64}$/.test(p.logID)) {
      return 'the dev.sigstore.cosign/bundle annotation lacks SignedEntryTimestamp or Payload.body, integratedTime, logIndex, logID';
    }
    return {
      logIndex: String(p.logIndex),
      logId: { keyId: Buffer.from(p.logID, 'hex') },
      kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
      integratedTime: String(p.integratedTime),
      inclusionPromise: { signedEntryTimestamp: Buffer.from(b.SignedEntryTimestamp, 'base64') },
      canonicalizedBody: Buffer.from(p.body, 'base64'),
    } as TransparencyLogEntry;
  } catch (e) {
    return `the dev.sigstore.cosign/bundle annotation is not JSON: ${(e as Error).message}`;
  }
}
