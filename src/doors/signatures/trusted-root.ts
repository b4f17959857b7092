import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { X509Certificate } from '@sigstore/core';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { MoatError } from '../../util/errors.ts';

// moat.yaml's loader reaches this module on every command, and the two Sigstore packages are 30-odd
// CommonJS files (~40 ms to load): they are required only when a trusted root is actually read.
const require = createRequire(import.meta.url);
const sigstoreCore = (): typeof import('@sigstore/core') => require('@sigstore/core') as typeof import('@sigstore/core');
const protobufSpecs = (): typeof import('@sigstore/protobuf-specs') => require('@sigstore/protobuf-specs') as typeof import('@sigstore/protobuf-specs');

/**
 * A Sigstore trusted root (trusted_root.json, as `cosign trusted-root` or the TUF
 * repository hands out): the certificate authorities (Fulcio) and transparency logs
 * (Rekor) keyless signatures are checked against, each with the period it was valid for.
 * Read from a file only: verification never fetches trust from the network.
 */

export interface TrustedCa {
  uri: string;
  /** The chain as the root lists it: the issuing certificate first, the self-signed root last. */
  certs: X509Certificate[];
  start?: Date;
  end?: Date;
}

export interface TrustedLog {
  baseUrl: string;
  /** SHA-256 of the log's public key (DER SubjectPublicKeyInfo): Rekor's log ID. */
  logId: Buffer;
  key: KeyObject;
  start?: Date;
  end?: Date;
}

export interface SigstoreTrustedRoot {
  source: string;
  cas: TrustedCa[];
  tlogs: TrustedLog[];
}

const MAX_ROOT_BYTES = 4 << 20;

export function loadTrustedRoot(file: string): SigstoreTrustedRoot {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_ROOT_BYTES) throw new MoatError('usage', `${file}: ${size} bytes is not a Sigstore trusted root (they are kilobytes)`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof MoatError) throw e;
    throw new MoatError('usage', `cannot read the trusted root ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MoatError('usage', `${file} is not JSON: ${(e as Error).message}`);
  }
  return parseTrustedRoot(json, file);
}

export function parseTrustedRoot(json: unknown, source: string): SigstoreTrustedRoot {
  const fail = (what: string): never => {
    throw new MoatError('usage', `${source} is not a Sigstore trusted root: ${what}`);
  };
  if (typeof json !== 'object' || json === null || !String((json as { mediaType?: unknown }).mediaType ?? '').startsWith('application/vnd.dev.sigstore.trustedroot')) {
    fail('its mediaType is not application/vnd.dev.sigstore.trustedroot.v0.1+json or v0.2');
  }
  let root: TrustedRoot;
  try {
    root = protobufSpecs().TrustedRoot.fromJSON(json);
  } catch (e) {
    return fail((e as Error).message);
  }
  const cas = root.certificateAuthorities.map((ca, i): TrustedCa => {
    const certs = (ca.certChain?.certificates ?? []).map((c, j) => {
      try {
        return sigstoreCore().X509Certificate.parse(Buffer.from(c.rawBytes));
      } catch (e) {
        return fail(`certificateAuthorities[${i}].certChain.certificates[${j}] is not a certificate (${(e as Error).message})`);
      }
    });
    if (certs.length === 0) fail(`certificateAuthorities[${i}] has no certificates`);
    return { uri: ca.uri, certs, ...period(ca.validFor) };
  });
  const tlogs = root.tlogs.map((t, i): TrustedLog => {
    const raw = t.publicKey?.rawBytes;
    if (!raw || raw.length === 0) fail(`tlogs[${i}] has no publicKey.rawBytes`);
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(raw!), format: 'der', type: 'spki' });
    } catch (e) {
      return fail(`tlogs[${i}].publicKey is not a public key (${(e as Error).message})`);
    }
    const logId = t.logId?.keyId && t.logId.keyId.length ? Buffer.from(t.logId.keyId) : createHash('sha256').update(raw!).digest();
    return { baseUrl: t.baseUrl, logId, key, ...period(t.publicKey?.validFor) };
  });
  if (cas.length === 0 && tlogs.length === 0) fail('it lists no certificate authorities and no transparency logs');
  return { source, cas, tlogs };
}

function period(v: { start?: Date; end?: Date } | undefined): { start?: Date; end?: Date } {
  return { ...(v?.start ? { start: v.start } : {}), ...(v?.end ? { end: v.end } : {}) };
}

export function within(p: { start?: Date; end?: Date }, t: Date): boolean {
  return (!p.start || p.start.getTime() <= t.getTime()) && (!p.end || t.getTime() <= p.end.getTime());
}
