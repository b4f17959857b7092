/**
 * Accepted risks: a finding's rule or a vulnerability, for a host, an image or a whole
 * repository (every tag of it, as moat.yaml ignores carry across tags), with a reason
 * and an expiry. Findings the API lists carry the triage that covers them.
 */
import { isSeverity } from '../models/finding.ts';
import { ShapeError } from './report-shape.ts';
import type { Sql } from './store.ts';
import { iso, parseDuration } from './tokens.ts';

export interface TriageEntry {
  id: number;
  scope: 'host' | 'image' | 'repository';
  target: string;
  ruleId: string | null;
  vulnerability: string | null;
  reason: string;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
}

export async function createTriage(db: Sql, body: unknown, by: string, now = new Date()): Promise<TriageEntry> {
  if (typeof body !== 'object' || body === null) throw new ShapeError('triage: must be an object');
  const b = body as Record<string, unknown>;
  if (b.scope !== 'host' && b.scope !== 'image' && b.scope !== 'repository') throw new ShapeError('triage.scope: must be host, image or repository');
  if (typeof b.target !== 'string' || b.target === '') throw new ShapeError('triage.target: give the host name, image digest or repository (like docker.io/library/nginx)');
  if (b.ruleId !== undefined && typeof b.ruleId !== 'string') throw new ShapeError('triage.ruleId: must be a string');
  if (b.vulnerability !== undefined && typeof b.vulnerability !== 'string') throw new ShapeError('triage.vulnerability: must be a string (a CVE or advisory id)');
  if (b.ruleId === undefined && b.vulnerability === undefined) throw new ShapeError('triage: give ruleId (a finding\'s rule) or vulnerability (a CVE or advisory id)');
  if (typeof b.reason !== 'string' || b.reason.trim().length < 3) throw new ShapeError('triage.reason: say why the risk is accepted (at least 3 characters)');
  let expires: string | null = null;
  if (b.expires !== undefined) {
    if (typeof b.expires !== 'string') throw new ShapeError('triage.expires: an ISO date or a duration like 90d');
    if (/^\d+[dhm]$/.test(b.expires)) expires = new Date(now.getTime() + parseDuration(b.expires, 'triage.expires')).toISOString();
    else if (!Number.isNaN(Date.parse(b.expires))) expires = new Date(b.expires).toISOString();
    else throw new ShapeError(`triage.expires: "${b.expires}" is neither an ISO date nor a duration like 90d`);
    if (Date.parse(expires) <= now.getTime()) throw new ShapeError('triage.expires: is already past');
  }
  if (isSeverity(String(b.ruleId ?? ''))) throw new ShapeError('triage.ruleId: a rule id (like container-root-user), not a severity');
  const rows = await db.query<Record<string, unknown>>(
    `INSERT INTO triage (scope, target, rule_id, vuln_id, reason, expires_at, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [b.scope, b.target, b.ruleId ?? null, b.vulnerability ?? null, b.reason.trim(), expires, now.toISOString(), by],
  );
  return shape(rows[0] as Record<string, unknown>);
}

export async function listTriage(db: Sql, activeAt?: Date): Promise<TriageEntry[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT * FROM triage WHERE $1::timestamptz IS NULL OR expires_at IS NULL OR expires_at > $1::timestamptz ORDER BY id`,
    [activeAt?.toISOString() ?? null],
  );
  return rows.map(shape);
}

function shape(r: Record<string, unknown>): TriageEntry {
  return {
    id: Number(r.id),
    scope: r.scope as TriageEntry['scope'],
    target: r.target as string,
    ruleId: (r.rule_id as string | null) ?? null,
    vulnerability: (r.vuln_id as string | null) ?? null,
    reason: r.reason as string,
    expiresAt: iso(r.expires_at as Date | null),
    createdAt: iso(r.created_at as Date) as string,
    createdBy: r.created_by as string,
  };
}

/** `docker.io/library/nginx:1.27`, `nginx@sha256:…` → the repository (`nginx` is docker.io/library/nginx). */
export function repositoryOf(reference: string): string {
  let ref = reference.split('@')[0] as string;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) ref = ref.slice(0, colon);
  const first = ref.split('/')[0] as string;
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = `docker.io/${ref.includes('/') ? ref : `library/${ref}`}`;
  return ref;
}

/** The triage entry that covers a finding listed for `host` (and `image` with its references), if any. */
export function coveringTriage(
  entries: readonly TriageEntry[],
  at: { host: string; image: string | null; references: readonly string[]; ruleId: string; vulnerabilityIds: readonly string[] },
): TriageEntry | undefined {
  const repos = new Set(at.references.map(repositoryOf));
  return entries.find((t) => {
    const what = (t.ruleId === null || t.ruleId === at.ruleId) && (t.vulnerability === null || at.vulnerabilityIds.includes(t.vulnerability));
    if (!what) return false;
    if (t.scope === 'host') return t.target === at.host;
    if (t.scope === 'image') return at.image !== null && t.target === at.image;
    return repos.has(repositoryOf(t.target));
  });
}
