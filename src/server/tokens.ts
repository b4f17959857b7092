/**
 * API tokens. The secret is shown once; only its SHA-256 is stored, so a copy of the
 * database does not let anyone in. A token's id (its first characters after the prefix)
 * names it in lists, logs and `token revoke` without revealing it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { MoatError } from '../util/errors.ts';
import type { Sql } from './store.ts';

export type Role = 'admin' | 'agent' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'agent', 'viewer'];

export interface TokenInfo {
  id: string;
  role: Role;
  host: string | null;
  note: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  ratePerMinute: number;
  maxBodyBytes: number;
}

export const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** `90d`, `12h`, `30m` → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+)\s*([dhm])$/.exec(text.trim());
  if (!m) throw new MoatError('usage', `${flag} "${text}": give a number and a unit, like 90d, 12h or 30m`);
  const n = Number(m[1]);
  if (n <= 0) throw new MoatError('usage', `${flag} "${text}": must be more than zero`);
  return n * (m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000);
}

export async function createToken(
  db: Sql,
  opts: { role: Role; host?: string; expiresInMs?: number; note?: string; ratePerMinute?: number; maxBodyBytes?: number; now?: Date },
): Promise<{ secret: string; info: TokenInfo }> {
  if (!ROLES.includes(opts.role)) throw new MoatError('usage', `token create: --role must be admin, agent or viewer (got "${opts.role}")`);
  if (opts.role === 'agent' && opts.host === undefined) throw new MoatError('usage', 'token create: an agent token pushes for one host: give --host NAME');
  if (opts.host !== undefined && !HOST_NAME.test(opts.host)) throw new MoatError('usage', `token create: --host "${opts.host}" is not a host name (letters, digits, dot, dash, underscore)`);
  const id = randomBytes(6).toString('hex');
  const secret = `moat_${id}_${randomBytes(24).toString('base64url')}`;
  const now = opts.now ?? new Date();
  const expires = opts.expiresInMs !== undefined ? new Date(now.getTime() + opts.expiresInMs) : null;
  const rows = await db.query<TokenRow>(
    `INSERT INTO tokens (id, hash, role, host, note, created_at, expires_at, rate_per_minute, max_body_bytes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, 600), COALESCE($9, 67108864)) RETURNING *`,
    [id, hashToken(secret), opts.role, opts.host ?? null, opts.note ?? null, now.toISOString(), expires?.toISOString() ?? null, opts.ratePerMinute ?? null, opts.maxBodyBytes ?? null],
  );
  return { secret, info: toInfo(rows[0] as TokenRow) };
}

export async function listTokens(db: Sql): Promise<TokenInfo[]> {
  return (await db.query<TokenRow>('SELECT * FROM tokens ORDER BY created_at, id')).map(toInfo);
}

export async function revokeToken(db: Sql, id: string): Promise<boolean> {
  const rows = await db.query('UPDATE tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id]);
  return rows.length > 0;
}

export type Authentication = { ok: true; token: TokenInfo } | { ok: false; reason: string };

export async function authenticate(db: Sql, header: string | undefined, now = new Date()): Promise<Authentication> {
  if (header === undefined || header === '') return { ok: false, reason: 'no token: send Authorization: Bearer <token> (moat serve token create makes one)' };
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return { ok: false, reason: 'the Authorization header must read "Bearer <token>"' };
  const rows = await db.query<TokenRow>('SELECT * FROM tokens WHERE hash = $1', [hashToken(m[1] as string)]);
  const row = rows[0];
  if (row === undefined) return { ok: false, reason: 'the server does not know this token: check it, or create one with moat serve token create' };
  const info = toInfo(row);
  if (info.revokedAt !== null) return { ok: false, reason: `token ${info.id} was revoked on ${info.revokedAt}: create a new one` };
  if (info.expiresAt !== null && Date.parse(info.expiresAt) <= now.getTime()) return { ok: false, reason: `token ${info.id} expired on ${info.expiresAt}: create a new one` };
  return { ok: true, token: info };
}

interface TokenRow {
  id: string;
  role: Role;
  host: string | null;
  note: string | null;
  created_at: Date | string;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
  rate_per_minute: number;
  max_body_bytes: number | string | bigint;
}

function toInfo(r: TokenRow): TokenInfo {
  return {
    id: r.id,
    role: r.role,
    host: r.host,
    note: r.note,
    createdAt: iso(r.created_at) as string,
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
    ratePerMinute: r.rate_per_minute,
    maxBodyBytes: Number(r.max_body_bytes),
  };
}

/** Both drivers give timestamptz as a Date; text when selected as text. */
export function iso(v: Date | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}
