/**
 * Which daemon endpoint a request reaches, read from the raw `RequestUri` the daemon hands
 * the plugin exactly as the daemon's router will read it: percent-decoded (gorilla/mux
 * matches the decoded path, so `/containers%2Fcreate` is create), dot segments and repeated
 * slashes cleaned, the `/v1.41` prefix taken off and kept as the API version. Matching is
 * case-insensitive although the router's is not: a spelling the daemon would 404 costs
 * nothing to judge, and one it would accept can never slip past.
 */
import { posix } from 'node:path';

export type EndpointKind =
  | 'container-create'
  | 'container-start'
  | 'container-restart'
  | 'container-update'
  | 'exec-create'
  /** Judged at start from the daemon's own view (start-check.ts). */
  | 'exec-start'
  | 'build'
  | 'plugin-pull'
  | 'plugin-upgrade'
  | 'plugin-set'
  | 'plugin-create'
  | 'plugin-enable'
  | 'volume-create'
  | 'network-create'
  | 'network-connect'
  /** Requests Moat cannot judge (see `enforce.unjudged`). */
  | 'unjudged'
  | 'other';

export interface Route {
  method: string;
  /** Decoded, cleaned, without the version prefix: `/containers/create`. */
  path: string;
  /** `1.41` from `/v1.41/...`; undefined when the path has none (the daemon then uses its own). */
  apiVersion?: string;
  /** As Go's `url.ParseQuery` reads it (see goParseQuery): `get` is the first value, what dockerd's `r.FormValue` takes. */
  query: URLSearchParams;
  kind: EndpointKind;
  /** The `{id}`/`{name}` of the path, when it has one. */
  target?: string;
  /** For `unjudged`: what it is, for the message. */
  what?: string;
}

export class RouteError extends Error {
  override name = 'RouteError';
}

interface Pattern {
  re: RegExp;
  kind: EndpointKind;
  what?: string;
}

const POST: Pattern[] = [
  { re: /^\/containers\/create$/i, kind: 'container-create' },
  { re: /^\/containers\/(.+)\/start$/i, kind: 'container-start' },
  { re: /^\/containers\/(.+)\/restart$/i, kind: 'container-restart' },
  { re: /^\/containers\/(.+)\/update$/i, kind: 'container-update' },
  { re: /^\/exec\/(.+)\/start$/i, kind: 'exec-start' },
  { re: /^\/containers\/(.+)\/exec$/i, kind: 'exec-create' },
  { re: /^\/build$/i, kind: 'build' },
  { re: /^\/plugins\/pull$/i, kind: 'plugin-pull' },
  { re: /^\/plugins\/(.+)\/upgrade$/i, kind: 'plugin-upgrade' },
  { re: /^\/plugins\/(.+)\/set$/i, kind: 'plugin-set' },
  { re: /^\/plugins\/create$/i, kind: 'plugin-create' },
  { re: /^\/plugins\/(.+)\/enable$/i, kind: 'plugin-enable' },
  { re: /^\/volumes\/create$/i, kind: 'volume-create' },
  { re: /^\/networks\/create$/i, kind: 'network-create' },
  { re: /^\/networks\/(.+)\/connect$/i, kind: 'network-connect' },
  { re: /^\/services\/create$/i, kind: 'unjudged', what: 'creating a swarm service (Moat does not model service specs)' },
  { re: /^\/services\/(.+)\/update$/i, kind: 'unjudged', what: 'updating a swarm service (Moat does not model service specs)' },
  { re: /^\/grpc$/i, kind: 'unjudged', what: "BuildKit's gRPC stream (its build options and entitlements travel inside the stream, which the daemon does not show a plugin)" },
];

const VERSION = /^\/v([0-9.]+)(\/.*)?$/i;

/** `uri` is `RequestUri` as the daemon sent it (origin-form, or absolute-form with a scheme and host). */
export function routeOf(method: string, uri: string): Route {
  let target = uri;
  // The daemon sends origin-form; only a URI that does not start with '/' can be absolute-form.
  const abs = target.startsWith('/') ? null : /^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i.exec(target);
  if (abs) target = target.slice(abs[0].length) || '/';
  if (!target.startsWith('/')) throw new RouteError(`the request URI "${clip(uri)}" is not a path`);
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? '' : target.slice(q + 1);
  let decoded = rawPath;
  if (rawPath.includes('%')) {
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      throw new RouteError(`the request path "${clip(rawPath)}" has an invalid percent-encoding`);
    }
  }
  if (decoded.includes('\0')) throw new RouteError('the request path contains a NUL byte');
  let path = normalPath(decoded);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  let apiVersion: string | undefined;
  const v = VERSION.exec(path);
  if (v) {
    apiVersion = v[1];
    path = v[2] ?? '/';
  }
  const m = method.toUpperCase();
  const route: Route = { method: m, path, query: goParseQuery(rawQuery), kind: 'other' };
  if (apiVersion !== undefined) route.apiVersion = apiVersion;
  if (m !== 'POST') return route;
  for (const p of POST) {
    const hit = p.re.exec(path);
    if (!hit) continue;
    route.kind = p.kind;
    if (hit[1] !== undefined) route.target = hit[1];
    if (p.what) route.what = p.what;
    break;
  }
  return route;
}

/** An empty segment (`//`) or a dot segment (`/./`, `/../`, or one at the end). */
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)/;

/** `posix.normalize`, skipped for the paths it would return unchanged (nearly all the daemon sends). */
export function normalPath(p: string): string {
  return p === '' || NOT_NORMAL.test(p) ? posix.normalize(p) : p;
}

/**
 * The query string as Go's `net/url.ParseQuery` reads it (dockerd 20.10 is built with Go 1.19):
 * pairs are split on `&` only; a pair holding `;` is malformed and dropped (Go >= 1.17), as is
 * one with a bad `%` escape in its key or value, and an empty one; `+` is a space. WHATWG's
 * URLSearchParams keeps `networkmode=none;` as the value `none;` and decodes `none%` as `none%`,
 * so `?networkmode=none;&networkmode=host` read that way shows `none` first where the daemon
 * builds with `host`.
 */
export function goParseQuery(raw: string): URLSearchParams {
  const out = new URLSearchParams();
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const key = goQueryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const value = goQueryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    out.append(key, value);
  }
  return out;
}

/** Go's `url.QueryUnescape`: `%XX` (two hex digits, else an error) and `+` as a space; undefined on an error. */
function goQueryUnescape(s: string): string | undefined {
  if (!s.includes('%') && !s.includes('+')) return s;
  const parts: Buffer[] = [];
  for (const [token] of s.matchAll(/%[0-9a-fA-F]{2}|%|\+|[^%+]+/g)) {
    if (token === '%') return undefined;
    if (token === '+') parts.push(Buffer.from(' '));
    else if (token.startsWith('%')) parts.push(Buffer.from([parseInt(token.slice(1), 16)]));
    else parts.push(Buffer.from(token, 'utf8'));
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Go's versions.LessThan on dotted numbers (`1.9` < `1.24`). */
export function versionLess(a: string, b: string): boolean {
  const x = a.split('.').map((n) => Number(n) || 0);
  const y = b.split('.').map((n) => Number(n) || 0);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
