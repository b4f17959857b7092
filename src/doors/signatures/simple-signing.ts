/**
 * The "simple signing" payload cosign signs (containers/image's format):
 *   {"critical":{"identity":{"docker-reference":"…"},"image":{"docker-manifest-digest":"sha256:…"},
 *    "type":"cosign container image signature"},"optional":{…}|null}
 * The critical section is what the signer vouches for, so it is read strictly, as
 * containers/image reads it: a field Moat does not know there could carry a claim it
 * would silently ignore, so the payload is refused instead. `optional` is free-form.
 */

export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';
/** containers/image writes this type; cosign accepts it too. */
const ATOMIC_SIGNATURE_TYPE = 'atomic container signature';

export interface SimpleSigningPayload {
  dockerReference: string;
  manifestDigest: string;
  type: string;
  optional?: Record<string, unknown>;
}

export type PayloadVerdict = { ok: true; payload: SimpleSigningPayload } | { ok: false; reason: string };

export function parseSimpleSigning(bytes: Buffer): PayloadVerdict {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `the payload is not JSON: ${(e as Error).message}` };
  }
  const extra = (o: Record<string, unknown>, allowed: string[], path: string): string | undefined => {
    const unknown = Object.keys(o).filter((k) => !allowed.includes(k));
    return unknown.length ? `the payload has fields a simple-signing payload does not: ${unknown.map((k) => `${path}.${k}`).join(', ')} (refused: a claim Moat cannot read would be ignored)` : undefined;
  };
  if (!isObject(body)) return { ok: false, reason: 'the payload is not a JSON object' };
  const top = extra(body, ['critical', 'optional'], '$');
  if (top) return { ok: false, reason: top };
  const critical = body.critical;
  if (!isObject(critical)) return { ok: false, reason: 'the payload has no critical section' };
  const c = extra(critical, ['identity', 'image', 'type'], '$.critical');
  if (c) return { ok: false, reason: c };
  const { identity, image, type } = critical;
  if (type !== COSIGN_SIGNATURE_TYPE && type !== ATOMIC_SIGNATURE_TYPE) return { ok: false, reason: `the payload's critical.type is ${JSON.stringify(type)}, not ${JSON.stringify(COSIGN_SIGNATURE_TYPE)}` };
  if (!isObject(identity)) return { ok: false, reason: 'the payload has no critical.identity' };
  const i = extra(identity, ['docker-reference'], '$.critical.identity');
  if (i) return { ok: false, reason: i };
  if (!isObject(image)) return { ok: false, reason: 'the payload has no critical.image' };
  const m = extra(image, ['docker-manifest-digest'], '$.critical.image');
  if (m) return { ok: false, reason: m };
  const ref = identity['docker-reference'];
  const digest = image['docker-manifest-digest'];
  if (typeof ref !== 'string') return { ok: false, reason: 'the payload has no critical.identity.docker-reference string' };
  if (typeof digest !== 'string' || !/^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/.test(digest)) return { ok: false, reason: `the payload's critical.image.docker-manifest-digest ${JSON.stringify(digest)} is not a digest` };
  const optional = body.optional;
  if (optional !== undefined && optional !== null && !isObject(optional)) return { ok: false, reason: 'the payload\'s optional section is neither an object nor null' };
  return { ok: true, payload: { dockerReference: ref, manifestDigest: digest, type, ...(isObject(optional) ? { optional } : {}) } };
}

/** The payload cosign writes for an image: what tests and `moat` itself sign. */
export function simpleSigningPayload(dockerReference: string, manifestDigest: string, optional: Record<string, unknown> | null = null): Buffer {
  return Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': manifestDigest }, type: COSIGN_SIGNATURE_TYPE }, optional }));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
