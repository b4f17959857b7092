/**
 * The authorization-plugin protocol as dockerd 20.10 speaks it (moby pkg/authorization):
 * `POST /Plugin.Activate` → `{"Implements":["authz"]}`, then for every API call
 * `POST /AuthZPlugin.AuthZReq` before the daemon acts and `POST /AuthZPlugin.AuthZRes`
 * after it. Only JSON bodies (`Content-Type: application/json` exactly) under 1 MiB are
 * forwarded, base64-encoded; `User` is set only for TLS client certificates.
 */
import * as v from 'valibot';

export const ACTIVATE_PATH = '/Plugin.Activate';
export const AUTHZ_REQ_PATH = '/AuthZPlugin.AuthZReq';
export const AUTHZ_RES_PATH = '/AuthZPlugin.AuthZRes';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Go encodes []byte as standard base64 (or null when empty). */
const Base64Body = v.nullish(
  v.pipe(
    v.string('RequestBody must be base64 text'),
    v.check((s) => s.length % 4 === 0 && BASE64.test(s), 'RequestBody is not valid base64'),
  ),
);

export const AuthzRequestSchema = v.looseObject(
  {
    User: v.optional(v.string('User must be text')),
    UserAuthNMethod: v.optional(v.string('UserAuthNMethod must be text')),
    RequestMethod: v.pipe(v.string('RequestMethod is missing'), v.minLength(1, 'RequestMethod is empty'), v.maxLength(32, 'RequestMethod is too long')),
    RequestUri: v.pipe(v.string('RequestUri is missing'), v.minLength(1, 'RequestUri is empty'), v.maxLength(64 * 1024, 'RequestUri is too long')),
    RequestBody: Base64Body,
    RequestHeaders: v.nullish(v.record(v.string(), v.string('a request header value must be text'), 'RequestHeaders must map names to text')),
  },
  'the AuthZ request must be a JSON object',
);

/** A request as Moat judges it: the envelope decoded, the body as bytes. */
export interface AuthzRequest {
  user: string;
  method: string;
  uri: string;
  /** undefined: the daemon forwarded no body (none was sent, it was not `application/json`, chunked, or past 1 MiB). */
  body?: Uint8Array;
  /** Header names lower-cased (HTTP names are case-insensitive; the daemon sends Go's canonical case). */
  headers: Record<string, string>;
}

export interface AuthzResponse {
  Allow: boolean;
  Msg?: string;
  Err?: string;
}

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

type Envelope = v.InferOutput<typeof AuthzRequestSchema>;

/** Validates and decodes the JSON envelope of AuthZReq. */
export function parseAuthzRequest(text: string): AuthzRequest {
  const json = envelopeJson(text);
  return toRequest(directEnvelope(json) ?? schemaEnvelope(json));
}

/** The same reading with the schema alone: the reference `directEnvelope` is tested against. */
export function parseAuthzRequestBySchema(text: string): AuthzRequest {
  return toRequest(schemaEnvelope(envelopeJson(text)));
}

function envelopeJson(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProtocolError(`the AuthZ request is not JSON (${(e as Error).message.slice(0, 80)})`);
  }
  if (Array.isArray(json)) throw new ProtocolError('malformed AuthZ request: the AuthZ request must be a JSON object, not an array');
  return json;
}

/**
 * The envelope every daemon sends, accepted by direct checks that mean exactly what the schema
 * says; undefined for anything else, which the schema then reads and words the error for. The
 * plugin reads one envelope per API call, and the schema's generic walk was a tenth of the
 * plugin's own time on a read.
 */
function directEnvelope(json: unknown): Envelope | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  const { User, UserAuthNMethod, RequestMethod, RequestUri, RequestBody, RequestHeaders } = o;
  if ((User !== undefined && typeof User !== 'string') || (UserAuthNMethod !== undefined && typeof UserAuthNMethod !== 'string')) return undefined;
  if (typeof RequestMethod !== 'string' || RequestMethod.length < 1 || RequestMethod.length > 32) return undefined;
  if (typeof RequestUri !== 'string' || RequestUri.length < 1 || RequestUri.length > 64 * 1024) return undefined;
  if (RequestBody != null && !(typeof RequestBody === 'string' && RequestBody.length % 4 === 0 && BASE64.test(RequestBody))) return undefined;
  if (RequestHeaders != null) {
    if (typeof RequestHeaders !== 'object' || Array.isArray(RequestHeaders)) return undefined;
    for (const k in RequestHeaders) {
      // The schema leaves these keys out of its output: it words that case.
      if (k === '__proto__' || k === 'prototype' || k === 'constructor' || typeof (RequestHeaders as Record<string, unknown>)[k] !== 'string') return undefined;
    }
  }
  return o as Envelope;
}

function schemaEnvelope(json: unknown): Envelope {
  const parsed = v.safeParse(AuthzRequestSchema, json, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = (issue.path ?? []).map((p) => String(p.key)).join('.');
    // valibot reports a missing key with the object's message: say which key.
    const message = where && issue.input === undefined ? `${where} is missing` : issue.message;
    throw new ProtocolError(`malformed AuthZ request${where ? ` at ${where}` : ''}: ${message}`);
  }
  return parsed.output;
}

function toRequest(o: Envelope): AuthzRequest {
  const headers: Record<string, string> = {};
  for (const [k, val] of Object.entries(o.RequestHeaders ?? {})) headers[k.toLowerCase()] = val;
  const req: AuthzRequest = { user: o.User ?? '', method: o.RequestMethod, uri: o.RequestUri, headers };
  if (o.RequestBody) req.body = Buffer.from(o.RequestBody, 'base64');
  return req;
}
