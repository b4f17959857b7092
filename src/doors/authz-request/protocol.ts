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

/** Validates and decodes the JSON envelope of AuthZReq. */
export function parseAuthzRequest(text: string): AuthzRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProtocolError(`the AuthZ request is not JSON (${(e as Error).message.slice(0, 80)})`);
  }
  if (Array.isArray(json)) throw new ProtocolError('malformed AuthZ request: the AuthZ request must be a JSON object, not an array');
  const parsed = v.safeParse(AuthzRequestSchema, json, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = (issue.path ?? []).map((p) => String(p.key)).join('.');
    // valibot reports a missing key with the object's message: say which key.
    const message = where && issue.input === undefined ? `${where} is missing` : issue.message;
    throw new ProtocolError(`malformed AuthZ request${where ? ` at ${where}` : ''}: ${message}`);
  }
  const o = parsed.output;
  const headers: Record<string, string> = {};
  for (const [k, val] of Object.entries(o.RequestHeaders ?? {})) headers[k.toLowerCase()] = val;
  const req: AuthzRequest = { user: o.User ?? '', method: o.RequestMethod, uri: o.RequestUri, headers };
  if (o.RequestBody) req.body = Buffer.from(o.RequestBody, 'base64');
  return req;
}
