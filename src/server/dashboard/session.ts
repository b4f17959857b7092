/**
 * Dashboard sessions. The cookie holds the API token the user signed in with, so every page
 * is fetched through the API with that token: a revoked or expired token ends the session at
 * once, in every server process, and the dashboard can never show or do more than the token
 * may through the API. The cookie is HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page sends it) and Secure when the server speaks TLS.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'moat_session';
/** A working day: long enough for a shift, short enough that a forgotten browser signs out. */
export const SESSION_SECONDS = 12 * 3600;

export type DashboardRole = 'admin' | 'viewer';

export interface Session {
  token: string;
  role: DashboardRole;
  csrf: string;
}

/** The cookie's value: the role (for what the pages offer; the API still decides) and the token. */
export function sessionCookie(token: string, role: DashboardRole, secure: boolean): string {
  return `${SESSION_COOKIE}=${role}.${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}${secure ? '; Secure' : ''}`;
}

export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

export function readSession(cookieHeader: string | undefined): Session | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    const dot = value.indexOf('.');
    const role = value.slice(0, dot);
    const token = value.slice(dot + 1);
    if ((role !== 'admin' && role !== 'viewer') || !/^[\x21-\x7e]{8,512}$/.test(token)) return undefined;
    return { token, role, csrf: csrfToken(token) };
  }
  return undefined;
}

/**
 * The anti-forgery value every form carries: derived from the session's secret token, so a page
 * on another origin can neither read nor compute it, and nothing needs storing.
 */
export function csrfToken(token: string): string {
  return createHmac('sha256', token).update('moat dashboard form').digest('base64url');
}

export function csrfMatches(session: Session, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A write must come from this origin: when the browser names the origin (it does for every
 * POST), it must be the server's own. Together with the form token and SameSite=Strict.
 */
export function sameOrigin(originHeader: string | undefined, requestUrl: string): boolean {
  if (originHeader === undefined) return true;
  try {
    return new URL(originHeader).origin === new URL(requestUrl).origin;
  } catch {
    return false;
  }
}
