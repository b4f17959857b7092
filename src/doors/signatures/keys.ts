import { createHash, createPublicKey, verify, constants, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { MoatError } from '../../util/errors.ts';

/**
 * The public keys cosign signs with, read from PEM: ECDSA P-256 (cosign's default),
 * Ed25519 and RSA. Signatures are checked as cosign checks them: ECDSA over SHA-256 with
 * an ASN.1 DER signature, Ed25519 over the raw payload, RSA PKCS#1 v1.5 over SHA-256.
 */

export type KeyAlgorithm = 'ecdsa-p256' | 'ed25519' | 'rsa';

export interface PublicKey {
  algorithm: KeyAlgorithm;
  key: KeyObject;
  /** `SHA256:<base64>` of the SubjectPublicKeyInfo, as ssh-keygen prints fingerprints. */
  fingerprint: string;
  /** Where the key came from (a file name), for reports. */
  source: string;
}

/** Key files are a few hundred bytes; anything this large is not one. */
const MAX_KEY_FILE = 64 << 10;

/** Reads a PEM public key file; the error names the file and what to give instead. */
export function loadPublicKeyFile(file: string): PublicKey {
  let text: string;
  try {
    if (statSync(file).size > MAX_KEY_FILE) throw new MoatError('usage', `${file}: ${statSync(file).size} bytes is not a public key file (a PEM key is under 1 KiB)`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof MoatError) throw e;
    throw new MoatError('usage', `cannot read the key ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parsePublicKey(text, file);
}

export function parsePublicKey(pem: string, source: string): PublicKey {
  if (/-----BEGIN (ENCRYPTED COSIGN|ENCRYPTED SIGSTORE|EC|RSA|OPENSSH)? ?PRIVATE KEY-----/.test(pem)) {
    throw new MoatError('usage', `${source} is a private key: give the public key (cosign public-key --key ${source} > cosign.pub)`);
  }
  if (!/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY)-----/.test(pem)) {
    throw new MoatError('usage', `${source} holds no PEM public key (-----BEGIN PUBLIC KEY-----): give the cosign.pub that cosign generate-key-pair wrote`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new MoatError('usage', `${source} is not a readable public key: ${(e as Error).message}`);
  }
  const algorithm = algorithmOf(key, source);
  const spki = key.export({ type: 'spki', format: 'der' });
  return { algorithm, key, fingerprint: `SHA256:${createHash('sha256').update(spki).digest('base64').replace(/=+$/, '')}`, source };
}

function algorithmOf(key: KeyObject, source: string): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ecdsa-p256';
    throw new MoatError('usage', `${source} is an ECDSA key on curve ${curve ?? 'unknown'}; cosign keys are P-256 (prime256v1)`);
  }
  if (type === 'ed25519') return 'ed25519';
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new MoatError('usage', `${source} is a ${bits}-bit RSA key; fewer than 2048 bits are not accepted`);
    return 'rsa';
  }
  throw new MoatError('usage', `${source} is a ${type ?? 'unknown'} key; Moat verifies ECDSA P-256, Ed25519 and RSA keys`);
}

/** Whether `signature` is `key`'s signature of `payload` (never throws on malformed signatures). */
export function verifyWithKey(key: PublicKey, payload: Buffer, signature: Buffer): boolean {
  try {
    if (key.algorithm === 'ed25519') return verify(null, payload, key.key, signature);
    if (key.algorithm === 'rsa') return verify('sha256', payload, { key: key.key, padding: constants.RSA_PKCS1_PADDING }, signature);
    return verify('sha256', payload, { key: key.key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
