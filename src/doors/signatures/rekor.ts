import { createHash, verify, type KeyObject } from 'node:crypto';
import { json } from '@sigstore/core';
import type { TransparencyLogEntry } from '@sigstore/bundle';
import { within, type TrustedLog } from './trusted-root.ts';

/**
 * Offline checks of a Rekor (v1) entry carried in a bundle: the signed entry timestamp
 * (the log's promise, which also vouches for the integrated time), the RFC 6962
 * inclusion proof and the signed checkpoint it ends in, and that the logged body is the
 * signature being verified (a hashedrekord entry naming the same signature, key and digest).
 * Each returns a reason when the check fails.
 */

export type Check = { ok: true } | { ok: false; reason: string };
const OK: Check = { ok: true };

export function logFor(entry: TransparencyLogEntry, logs: readonly TrustedLog[], at: Date): TrustedLog | undefined {
  const id = Buffer.from(entry.logId?.keyId ?? []);
  return logs.find((l) => l.logId.equals(id) && within(l, at));
}

/** The SET: the log's signature over the canonical JSON of body, integrated time, log index and log ID. */
export function verifySignedEntryTimestamp(entry: TransparencyLogEntry, log: TrustedLog): Check {
  const set = entry.inclusionPromise?.signedEntryTimestamp;
  if (!set || set.length === 0) return { ok: false, reason: 'the transparency log entry has no signed entry timestamp' };
  const payload = json.canonicalize({
    body: Buffer.from(entry.canonicalizedBody).toString('base64'),
    integratedTime: Number(entry.integratedTime),
    logIndex: Number(entry.logIndex),
    logID: log.logId.toString('hex'),
  });
  return verifyEcdsa(log.key, Buffer.from(payload, 'utf8'), Buffer.from(set)) ? OK : { ok: false, reason: `the signed entry timestamp does not verify with the log key of ${log.baseUrl || 'the trusted log'}` };
}

const hashLeaf = (b: Buffer): Buffer => createHash('sha256').update(Buffer.from([0])).update(b).digest();
const hashChildren = (l: Buffer, r: Buffer): Buffer => createHash('sha256').update(Buffer.from([1])).update(l).update(r).digest();

/** The inclusion proof: the audit path from the entry's leaf hash must reach the root hash, and a checkpoint the log signed must commit to that root. */
export function verifyInclusionProof(entry: TransparencyLogEntry, log: TrustedLog): Check {
  const proof = entry.inclusionProof;
  if (!proof) return { ok: false, reason: 'the transparency log entry has no inclusion proof' };
  let index: bigint;
  let size: bigint;
  try {
    index = BigInt(proof.logIndex);
    size = BigInt(proof.treeSize);
  } catch {
    return { ok: false, reason: 'the inclusion proof has a malformed log index or tree size' };
  }
  if (index < 0n || index >= size) return { ok: false, reason: `the inclusion proof's log index ${index} is outside its tree of size ${size}` };
  let inner = 0;
  for (let x = index ^ (size - 1n); x > 0n; x >>= 1n) inner++;
  let border = 0;
  for (let x = index >> BigInt(inner); x > 0n; x >>= 1n) border += Number(x & 1n);
  const hashes = proof.hashes.map((h) => Buffer.from(h));
  if (hashes.length !== inner + border) return { ok: false, reason: `the inclusion proof has ${hashes.length} hashes; a tree of size ${size} needs ${inner + border} for index ${index}` };
  let node = hashLeaf(Buffer.from(entry.canonicalizedBody));
  hashes.slice(0, inner).forEach((h, i) => (node = ((index >> BigInt(i)) & 1n) === 0n ? hashChildren(node, h) : hashChildren(h, node)));
  for (const h of hashes.slice(inner)) node = hashChildren(h, node);
  if (!node.equals(Buffer.from(proof.rootHash))) return { ok: false, reason: 'the inclusion proof does not lead to its root hash: the entry is not in the log it claims' };
  return verifyCheckpoint(proof.checkpoint?.envelope ?? '', log, size, node);
}

/** A signed note: `origin\nsize\nbase64(root)\n[other lines]\n\n— name base64(keyhint ‖ signature)\n`. */
function verifyCheckpoint(envelope: string, log: TrustedLog, size: bigint, root: Buffer): Check {
  const split = envelope.indexOf('\n\n');
  if (!envelope || split < 0) return { ok: false, reason: 'the inclusion proof has no signed checkpoint' };
  const note = envelope.slice(0, split + 1);
  const lines = note.split('\n');
  if (lines.length < 4 || lines[1] !== String(size) || lines[2] !== root.toString('base64')) return { ok: false, reason: 'the checkpoint does not commit to the inclusion proof\'s tree size and root hash' };
  const hint = log.logId.subarray(0, 4);
  for (const line of envelope.slice(split + 2).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const raw = Buffer.from(m[2]!, 'base64');
    if (raw.length > 4 && raw.subarray(0, 4).equals(hint) && verifyEcdsa(log.key, Buffer.from(note, 'utf8'), raw.subarray(4))) return OK;
  }
  return { ok: false, reason: `no signature on the checkpoint verifies with the log key of ${log.baseUrl || 'the trusted log'}` };
}

/** The logged body must be this signature: a hashedrekord 0.0.1 with the same signature, certificate (compared as DER), and artifact digest. */
export function verifyHashedRekordBody(entry: TransparencyLogEntry, signature: Buffer, certDer: Buffer, artifactSha256: Buffer): Check {
  let body: { kind?: unknown; apiVersion?: unknown; spec?: { signature?: { content?: unknown; publicKey?: { content?: unknown } }; data?: { hash?: { algorithm?: unknown; value?: unknown } } } };
  try {
    body = JSON.parse(Buffer.from(entry.canonicalizedBody).toString('utf8')) as typeof body;
  } catch {
    return { ok: false, reason: 'the transparency log entry body is not JSON' };
  }
  if (body.kind !== 'hashedrekord' || body.apiVersion !== '0.0.1') return { ok: false, reason: `the transparency log entry is a ${String(body.kind)} ${String(body.apiVersion)} entry; Moat reads hashedrekord 0.0.1 entries for image signatures` };
  const spec = body.spec;
  if (spec?.signature?.content !== signature.toString('base64')) return { ok: false, reason: 'the transparency log entry records a different signature than the bundle carries' };
  const logged = typeof spec.signature.publicKey?.content === 'string' ? Buffer.from(spec.signature.publicKey.content, 'base64').toString('utf8') : '';
  if (!pemBody(logged).equals(certDer)) {
    return { ok: false, reason: 'the transparency log entry records a different certificate or key than the bundle carries' };
  }
  if (spec.data?.hash?.algorithm !== 'sha256' || spec.data.hash.value !== artifactSha256.toString('hex')) return { ok: false, reason: 'the transparency log entry records a different artifact digest' };
  return OK;
}

function verifyEcdsa(key: KeyObject, data: Buffer, sig: Buffer): boolean {
  try {
    return key.asymmetricKeyType === 'ed25519' ? verify(null, data, key, sig) : verify('sha256', data, key, sig);
  } catch {
    return false;
  }
}

/** The DER inside a PEM block (empty when there is none). */
export function pemBody(pem: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : Buffer.alloc(0);
}
