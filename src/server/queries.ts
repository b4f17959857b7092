/**
 * The read side of the API: one function per endpoint, each one SQL statement or a few,
 * shaped as documented in openapi.ts. Times are ISO strings; counts are numbers.
 */
import { SEVERITIES, isSeverity, severityRank, type Finding, type Severity } from '../models/finding.ts';
import { iso } from './tokens.ts';
import { coveringTriage, listTriage, repositoryOf, type TriageEntry } from './triage.ts';
import type { Sql } from './store.ts';

export class QueryError extends Error {}

const VULN_RULE = 'package-vulnerable';

type Row = Record<string, unknown>;

const ZERO = (): Record<Severity, number> => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

export async function listHosts(db: Sql): Promise<object[]> {
  const rows = await db.query<Row>(
    `SELECT h.*, (SELECT count(*)::int FROM image_hosts ih WHERE ih.host = h.name) AS images,
       (SELECT jsonb_object_agg(severity, n) FROM (SELECT hv.severity, count(DISTINCT (hv.digest, hv.vuln_id))::int AS n
          FROM host_vulns hv WHERE hv.host = h.name GROUP BY hv.severity) v) AS vulns
     FROM hosts h ORDER BY h.name`,
  );
  return rows.map(hostShape);
}

function hostShape(h: Row): object {
  return {
    name: h.name,
    firstSeen: iso(h.first_seen as Date),
    lastSeen: iso(h.last_seen as Date),
    lastReport: h.last_report,
    daemonVersion: h.daemon_version ?? null,
    agentVersion: h.agent_version ?? null,
    containers: h.containers,
    images: h.images ?? 0,
    bySeverity: { ...ZERO(), ...(h.by_severity as object) },
    vulnerabilitiesBySeverity: { ...ZERO(), ...((h.vulns as object | null) ?? {}) },
  };
}

export async function getHost(db: Sql, name: string): Promise<object | undefined> {
  const rows = await db.query<Row>(
    `SELECT h.*, (SELECT count(*)::int FROM image_hosts ih WHERE ih.host = h.name) AS images,
       (SELECT jsonb_object_agg(severity, n) FROM (SELECT hv.severity, count(DISTINCT (hv.digest, hv.vuln_id))::int AS n
          FROM host_vulns hv WHERE hv.host = h.name GROUP BY hv.severity) v) AS vulns
     FROM hosts h WHERE h.name = $1`,
    [name],
  );
  if (rows[0] === undefined) return undefined;
  const checks = await db.query<Row>(`SELECT audit->'checks' AS checks, audit->'target' AS target FROM reports WHERE id = $1`, [rows[0].last_report]);
  return { ...hostShape(rows[0]), target: checks[0]?.target ?? null, checks: checks[0]?.checks ?? [] };
}

export async function listContainers(db: Sql, host: string | undefined): Promise<object[]> {
  const rows = await db.query<Row>(
    `SELECT c.*, (SELECT jsonb_object_agg(severity, n) FROM (SELECT severity, count(*)::int AS n FROM findings f
        WHERE f.host = c.host AND f.closed_at IS NULL AND f.subject_kind = 'container' AND f.subject_id = c.id AND NOT (f.finding ? 'suppressed') GROUP BY severity) s) AS counts
     FROM containers c WHERE ($1::text IS NULL OR c.host = $1) ORDER BY c.host, c.name, c.id`,
    [host ?? null],
  );
  return rows.map((c) => ({ ...containerOf(c), bySeverity: { ...ZERO(), ...((c.counts as object | null) ?? {}) } }));
}

/** A containers row as the API gives it. */
function containerOf(c: Row): object {
  return {
    host: c.host,
    id: c.id,
    name: c.name ?? null,
    image: c.image ?? null,
    imageDigest: c.image_digest ?? null,
    state: c.state ?? null,
    lastSeen: iso(c.last_seen as Date),
  };
}

/** A host whose agent sent no verdict (an agent older than the server): unknown, never a pass. */
const UNREPORTED_SIGNATURE = { status: 'unknown', reason: 'the agent on this host did not report a signature verdict (it predates signature reporting): upgrade it' };

/** One container with its configuration and its open audit findings (each with the triage that covers it). */
export async function getContainer(db: Sql, host: string, id: string): Promise<object | undefined> {
  const rows = await db.query<Row>(`SELECT * FROM containers WHERE host = $1 AND id = $2`, [host, id]);
  const c = rows[0];
  if (c === undefined) return undefined;
  const found = await db.query<Row>(
    `SELECT f.fingerprint, f.first_seen, f.last_seen, f.finding FROM findings f
     WHERE f.host = $1 AND f.closed_at IS NULL AND f.subject_kind = 'container' AND f.subject_id = $2 ORDER BY f.severity_rank DESC, f.rule_id, f.fingerprint`,
    [host, id],
  );
  const triage = await listTriage(db, new Date());
  const bySeverity = ZERO();
  const findings = found.map((r) => {
    const finding = r.finding as Finding;
    if (finding.suppressed === undefined) bySeverity[finding.severity]++;
    const covered = coveringTriage(triage, { host, image: null, references: [], ruleId: finding.ruleId, vulnerabilityIds: [] });
    return { id: `${host}:${r.fingerprint}`, host, image: null, imageReferences: [], firstSeen: iso(r.first_seen as Date), lastSeen: iso(r.last_seen as Date), triage: covered ?? null, finding };
  });
  return {
    ...containerOf(c),
    bySeverity,
    config: c.config ?? null,
    findings,
  };
}

/**
 * Open vulnerabilities with a fixed version that no triage entry covers, counted in SQL
 * (one per host, image, package and vulnerability, as the findings list has them).
 */
export async function fixableCount(db: Sql, now = new Date()): Promise<number> {
  const triage = (await listTriage(db, now)).filter((t) => t.ruleId === null || t.ruleId === VULN_RULE);
  // A repository entry covers every image whose references name that repository: found here, with the same parser the findings list uses.
  const covers: Array<{ scope: 'host' | 'image'; target: string; vuln: string | null }> = [];
  const byRepo = triage.filter((t) => t.scope === 'repository');
  if (byRepo.length > 0) {
    const wanted = new Map<string, TriageEntry[]>();
    for (const t of byRepo) wanted.set(repositoryOf(t.target), [...(wanted.get(repositoryOf(t.target)) ?? []), t]);
    for (const img of await db.query<{ digest: string; refs: string[] }>(`SELECT digest, refs FROM images`)) {
      const hits = new Set(img.refs.flatMap((r) => wanted.get(repositoryOf(r)) ?? []));
      for (const t of hits) covers.push({ scope: 'image', target: img.digest, vuln: t.vulnerability });
    }
  }
  for (const t of triage) if (t.scope !== 'repository') covers.push({ scope: t.scope, target: t.target, vuln: t.vulnerability });
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM host_vulns hv JOIN package_vulns pv ON pv.pkg_key = hv.pkg_key AND pv.vuln_id = hv.vuln_id
     WHERE pv.finding->'vulnerability' ? 'fixedVersion'
       AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($1::jsonb) AS t(scope text, target text, vuln text)
         WHERE (t.vuln IS NULL OR pv.finding->'vulnerability'->'ids' ? t.vuln) AND ((t.scope = 'host' AND t.target = hv.host) OR (t.scope = 'image' AND t.target = hv.digest)))`,
    [JSON.stringify(covers)],
  );
  return rows[0]?.n ?? 0;
}

/**
 * What the dashboard's overview shows, in one answer: every host with its counts, the image
 * count and the 10 riskiest images, the exact fixable count and the daily history.
 */
export async function fleetOverview(db: Sql, daysText: string | undefined, now = new Date()): Promise<object> {
  const [hosts, images, fixable, days] = [await listHosts(db), (await listImages(db)) as Array<{ vulnerabilitiesBySeverity: Record<Severity, number> }>, await fixableCount(db, now), await history(db, undefined, daysText, now)];
  const total = (c: Record<Severity, number>): number => SEVERITIES.reduce((n, s) => n + c[s], 0);
  const riskier = (a: Record<Severity, number>, b: Record<Severity, number>): number => {
    for (const s of SEVERITIES) if (a[s] !== b[s]) return b[s] - a[s];
    return 0;
  };
  const riskiest = images.filter((i) => total(i.vulnerabilitiesBySeverity) > 0).sort((a, b) => riskier(a.vulnerabilitiesBySeverity, b.vulnerabilitiesBySeverity)).slice(0, 10);
  return { hosts, images: images.length, riskiestImages: riskiest, fixable, days };
}

export async function listImages(db: Sql): Promise<object[]> {
  const rows = await db.query<Row>(
    `SELECT i.digest, i.refs, i.first_seen, i.inventory IS NOT NULL AS has_inventory, i.matched_generation,
       (SELECT coalesce(jsonb_agg(host ORDER BY host), '[]'::jsonb) FROM image_hosts ih WHERE ih.digest = i.digest) AS hosts,
       (SELECT count(*)::int FROM image_packages ip WHERE ip.digest = i.digest) AS packages,
       (SELECT jsonb_object_agg(severity, n) FROM (SELECT pv.severity, count(DISTINCT pv.vuln_id)::int AS n FROM image_packages ip JOIN package_vulns pv ON pv.pkg_key = ip.pkg_key
          WHERE ip.digest = i.digest GROUP BY pv.severity) v) AS vulns
     FROM images i ORDER BY i.digest`,
  );
  return rows.map(imageShape);
}

function imageShape(i: Row): object {
  return {
    digest: i.digest,
    references: i.refs,
    firstSeen: iso(i.first_seen as Date),
    hosts: i.hosts,
    inventory: i.has_inventory === true,
    matched: i.matched_generation != null,
    packages: i.packages,
    vulnerabilitiesBySeverity: { ...ZERO(), ...((i.vulns as object | null) ?? {}) },
  };
}

export async function getImage(db: Sql, digest: string): Promise<object | undefined> {
  const rows = await db.query<Row>(
    `SELECT i.digest, i.refs, i.first_seen, i.inventory IS NOT NULL AS has_inventory, i.matched_generation, i.inventory->'os' AS os, i.layers,
       (SELECT coalesce(jsonb_agg(host ORDER BY host), '[]'::jsonb) FROM image_hosts ih WHERE ih.digest = i.digest) AS hosts,
       (SELECT count(*)::int FROM image_packages ip WHERE ip.digest = i.digest) AS packages
     FROM images i WHERE i.digest = $1`,
    [digest],
  );
  const i = rows[0];
  if (i === undefined) return undefined;
  const containers = await db.query<Row>(`SELECT host, id, name FROM containers WHERE image_digest = $1 ORDER BY host, name`, [digest]);
  const packages = await db.query<Row>(`SELECT p.pkg, ip.purl, ip.found_in FROM image_packages ip JOIN packages p ON p.pkg_key = ip.pkg_key WHERE ip.digest = $1 ORDER BY ip.purl`, [digest]);
  const vulns = await imageVulnerabilities(db, digest);
  const signatures = await db.query<Row>(`SELECT host, signature FROM image_hosts WHERE digest = $1 ORDER BY host`, [digest]);
  return {
    ...imageShape({ ...i, vulns: null }),
    signatures: signatures.map((s) => ({ host: s.host, ...((s.signature as object | null) ?? UNREPORTED_SIGNATURE) })),
    os: i.os ?? null,
    layers: i.layers,
    runsOn: containers.map((c) => ({ host: c.host, container: c.id, name: c.name })),
    inventory: i.has_inventory === true ? { packages: packages.map((p) => ({ ...(p.pkg as object), purl: p.purl, foundIn: p.found_in })) } : null,
    vulnerabilities: vulns,
    vulnerabilitiesBySeverity: vulns.reduce((acc, f) => (acc[f.severity]++, acc), ZERO()),
  };
}

async function imageVulnerabilities(db: Sql, digest: string): Promise<Finding[]> {
  const rows = await db.query<Row>(
    `SELECT ip.purl, ip.found_in, ip.layer, pv.finding FROM image_packages ip JOIN package_vulns pv ON pv.pkg_key = ip.pkg_key
     WHERE ip.digest = $1 ORDER BY pv.severity_rank DESC, pv.vuln_id, ip.purl`,
    [digest],
  );
  return rows.map((r) => placeFinding(r.finding as Finding, r.purl as string, r.found_in as string, r.layer as string | null));
}

/** A package's finding is matched once per package; here it is put back where this image holds it. */
function placeFinding(f: Finding, purl: string, foundIn: string, layer: string | null): Finding {
  const out: Finding = { ...f, subject: { ...f.subject, id: purl }, location: { file: foundIn } };
  if (f.vulnerability) {
    out.vulnerability = { ...f.vulnerability, foundIn };
    if (layer !== null) out.vulnerability.layer = layer;
    else delete out.vulnerability.layer;
  }
  return out;
}

export interface FindingFilter {
  host?: string;
  rule?: string;
  severity?: string;
  image?: string;
  cve?: string;
  since?: string;
  limit?: string;
  cursor?: string;
}


/** Where the previous page ended, in the listing's order: most severe first, then host, then id. */
type After = { rank: number; host: string; id: string };

function encodeCursor(a: After): string {
  return Buffer.from(JSON.stringify([a.rank, a.host, a.id])).toString('base64url');
}

function decodeCursor(text: string): After {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString());
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || v.length !== 3 || !Number.isInteger(v[0]) || typeof v[1] !== 'string' || typeof v[2] !== 'string') {
    throw new QueryError('cursor: not a cursor this server gave (use the "next" of the previous page)');
  }
  return { rank: v[0] as number, host: v[1], id: v[2] };
}

/** Placeholders for the values a statement uses, numbered as they are first used. */
class Params {
  readonly values: unknown[] = [];
  private readonly named = new Map<string, string>();
  add(name: string, value: unknown, type: string): string {
    let p = this.named.get(name);
    if (p === undefined) {
      this.values.push(value);
      p = `$${this.values.length}::${type}`;
      this.named.set(name, p);
    }
    return p;
  }
}

/**
 * Severities as ranks: a range of the ordering index's leading column keeps its order (the
 * page stops at its end), where a list would be read whole and sorted.
 */
function bySeverity(column: string, severities: readonly Severity[], p: Params): string {
  const ranks = [...new Set(severities.map(severityRank))];
  const min = Math.min(...ranks);
  const max = Math.max(...ranks);
  const range = `${column} BETWEEN ${p.add('severity.lo', min, 'int')} AND ${p.add('severity.hi', max, 'int')}`;
  if (max - min + 1 === ranks.length) return range;
  // A gap (critical and low): checked on each row of the range, not made an index condition (which would lose the order).
  return `${range} AND (${column} + 0) = ANY (${p.add('severity.ranks', ranks, 'int[]')})`;
}

/**
 * One side of the listing (audit findings or host vulnerabilities), cut at the page's
 * end. After a cursor it is two ranges of the ordering index rather than a filter over
 * everything before it: the rest of the cursor's severity, then the lower severities.
 */
function sideSql(select: string, where: string[], cols: { rank: string; host: string; id: string }, after: After | undefined, p: Params, take: string): string {
  const page = (extra: string[], order: string): string => `(${select} WHERE ${[...where, ...extra].join(' AND ') || 'TRUE'} ORDER BY ${order} LIMIT ${take})`;
  const order = `${cols.rank} DESC, ${cols.host}, ${cols.id}`;
  if (after === undefined) return page([], order);
  const rank = p.add('after.rank', after.rank, 'int');
  return `${page([`${cols.rank} = ${rank}`, `(${cols.host}, ${cols.id}) > (${p.add('after.host', after.host, 'text')}, ${p.add('after.id', after.id, 'text')})`], `${cols.host}, ${cols.id}`)} UNION ALL ${page([`${cols.rank} < ${rank}`], order)}`;
}

/**
 * Open findings: the audit's (per host) and the vulnerabilities of the images each host
 * runs, most severe first. `cursor` is opaque: the `next` of the previous page (where
 * it ended, so a page costs the same however deep). One statement reads the page: the
 * keys from both sides' ordering indexes, then only the page's rows whole.
 */
export async function listFindings(db: Sql, q: FindingFilter): Promise<{ findings: object[]; next: string | null }> {
  const limit = q.limit === undefined ? 100 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new QueryError(`limit "${q.limit}": give a whole number from 1 to 1000`);
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  let severities: Severity[] | null = null;
  if (q.severity !== undefined) {
    const given = q.severity.split(',').map((s) => s.trim());
    const bad = given.find((s) => !isSeverity(s));
    if (bad !== undefined) throw new QueryError(`severity "${bad}": use ${SEVERITIES.join(', ')} (comma-separated)`);
    severities = given as Severity[];
  }
  if (q.since !== undefined && Number.isNaN(Date.parse(q.since))) throw new QueryError(`since "${q.since}": give an ISO time, like 2026-12-01 or 2026-12-01T10:00:00Z`);
  const wantAudit = q.image === undefined && q.cve === undefined && q.rule !== VULN_RULE;
  const wantVulns = q.rule === undefined || q.rule === VULN_RULE;
  if (!wantAudit && !wantVulns) return { findings: [], next: null };
  // Only the filters given become conditions: each plan is then made for the filters it has.
  const p = new Params();
  const take = p.add('take', limit + 1, 'int');
  const sides: string[] = [];
  if (wantAudit) {
    const where = ['f.closed_at IS NULL'];
    if (q.host !== undefined) where.push(`f.host = ${p.add('host', q.host, 'text')}`);
    if (q.rule !== undefined) where.push(`f.rule_id = ${p.add('rule', q.rule, 'text')}`);
    if (severities !== null) where.push(bySeverity('f.severity_rank', severities, p));
    if (q.since !== undefined) where.push(`f.first_seen >= ${p.add('since', q.since, 'timestamptz')}`);
    sides.push(sideSql(`SELECT f.host, f.fingerprint AS id, f.severity_rank, 'a' AS side FROM findings f`, where, { rank: 'f.severity_rank', host: 'f.host', id: 'f.fingerprint' }, after, p, take));
  }
  if (wantVulns) {
    const where: string[] = [];
    if (q.host !== undefined) where.push(`v.host = ${p.add('host', q.host, 'text')}`);
    if (severities !== null) where.push(bySeverity('v.severity_rank', severities, p));
    if (q.since !== undefined) where.push(`v.first_seen >= ${p.add('since', q.since, 'timestamptz')}`);
    if (q.image !== undefined) {
      const image = p.add('image', q.image, 'text');
      where.push(`(v.digest = ${image} OR v.digest IN (SELECT digest FROM images WHERE refs @> ARRAY[${image}]))`);
    }
    const select = `SELECT v.host, v.id, v.severity_rank, 'v' AS side FROM host_vulns v`;
    const cols = { rank: 'v.severity_rank', host: 'v.host', id: 'v.id' };
    if (q.cve === undefined) sides.push(sideSql(select, where, cols, after, p, take));
    else {
      // A CVE is looked up by the ids findings carry (an alias finds its advisory; both by index): nearly always one id,
      // each read in order from its own index range, cut at the page's end (planned as a filter over the fleet's
      // ordering index instead, a rare CVE would read every row before its own).
      const cve = p.add('cve', q.cve, 'text');
      const ids = `SELECT vuln_id FROM package_vulns WHERE vuln_id = ${cve} UNION SELECT vuln_id FROM package_vulns WHERE finding->'vulnerability'->'ids' ? ${cve}`;
      const each = sideSql(select, [...where, 'v.vuln_id = c.vuln_id'], cols, after, p, take);
      sides.push(`(SELECT e.* FROM (${ids}) c CROSS JOIN LATERAL (${each}) e ORDER BY e.severity_rank DESC, e.host, e.id LIMIT ${take})`);
    }
  }
  const [rows, triage] = await Promise.all([
    db.query<Row>(
      `WITH k AS (SELECT host, id, severity_rank, side FROM (${sides.join(' UNION ALL ')}) u ORDER BY severity_rank DESC, host, id LIMIT ${take})
       SELECT k.host, k.id, k.severity_rank, d.* FROM k JOIN LATERAL (
         SELECT NULL::text AS image, NULL::text[] AS refs, f.first_seen, f.last_seen, f.finding, NULL::text AS purl, NULL::text AS found_in, NULL::text AS layer
         FROM findings f WHERE k.side = 'a' AND f.host = k.host AND f.fingerprint = k.id
         UNION ALL
         SELECT v.digest, i.refs, v.first_seen, ih.last_seen, pv.finding, ip.purl, ip.found_in, ip.layer
         FROM host_vulns v JOIN images i ON i.digest = v.digest JOIN image_hosts ih ON ih.digest = v.digest AND ih.host = v.host
         JOIN package_vulns pv ON pv.pkg_key = v.pkg_key AND pv.vuln_id = v.vuln_id
         JOIN LATERAL (SELECT purl, found_in, layer FROM image_packages x WHERE x.digest = v.digest AND x.pkg_key = v.pkg_key LIMIT 1) ip ON TRUE
         WHERE k.side = 'v' AND v.host = k.host AND v.id = k.id
       ) d ON TRUE
       ORDER BY k.severity_rank DESC, k.host, k.id`,
      p.values,
    ),
    listTriage(db, new Date()),
  ]);
  const page = rows.slice(0, limit).map((r) => {
    const finding = (r.image === null ? r.finding : placeFinding(r.finding as Finding, r.purl as string, r.found_in as string, r.layer as string | null)) as Finding;
    const covered = coveringTriage(triage, {
      host: r.host as string,
      image: r.image as string | null,
      references: (r.refs as string[] | null) ?? [],
      ruleId: finding.ruleId,
      vulnerabilityIds: finding.vulnerability?.ids ?? [],
    });
    return {
      id: `${r.host}:${r.id}`,
      host: r.host,
      image: r.image,
      imageReferences: r.refs ?? [],
      firstSeen: iso(r.first_seen as Date),
      lastSeen: iso(r.last_seen as Date),
      triage: covered ?? null,
      finding,
    };
  });
  const last = rows[limit - 1];
  return { findings: page, next: rows.length > limit && last !== undefined ? encodeCursor({ rank: last.severity_rank as number, host: last.host as string, id: last.id as string }) : null };
}

/** Findings opened and closed per day (UTC) for each host, over the last `days` days. */
export async function history(db: Sql, host: string | undefined, daysText: string | undefined, now = new Date()): Promise<object[]> {
  const days = daysText === undefined ? 30 : Number(daysText);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new QueryError(`days "${daysText}": give a whole number from 1 to 3650`);
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  const rows = await db.query<Row>(
    `SELECT host, to_char(date_trunc('day', at), 'YYYY-MM-DD') AS day, count(*) FILTER (WHERE kind = 'opened')::int AS opened, count(*) FILTER (WHERE kind = 'closed')::int AS closed
     FROM finding_events WHERE ($1::text IS NULL OR host = $1) AND at >= $2::timestamptz GROUP BY host, day ORDER BY host, day`,
    [host ?? null, since],
  );
  return rows.map((r) => ({ host: r.host, day: r.day, opened: r.opened, closed: r.closed }));
}

export async function listAlerts(db: Sql, since: string | undefined, limitText: string | undefined): Promise<object[]> {
  if (since !== undefined && Number.isNaN(Date.parse(since))) throw new QueryError(`since "${since}": give an ISO time`);
  const limit = limitText === undefined ? 500 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new QueryError(`limit "${limitText}": give a whole number from 1 to 5000`);
  const rows = await db.query<Row>(
    `SELECT * FROM alerts WHERE ($1::timestamptz IS NULL OR received_at >= $1::timestamptz) ORDER BY received_at DESC, id DESC LIMIT $2`,
    [since ?? null, limit],
  );
  return rows.map((a) => ({
    id: Number(a.id),
    host: a.host,
    time: iso(a.at as Date),
    receivedAt: iso(a.received_at as Date),
    source: a.source,
    kind: a.kind,
    severity: a.severity,
    message: a.message,
    image: a.image ?? null,
    vulnerability: a.vuln_id ?? null,
    detail: a.detail,
  }));
}

/** Where a vulnerability (by id or alias) or a package (by name) is: which images, which hosts. */
export async function vulnerabilities(db: Sql, id: string | undefined, pkg: string | undefined): Promise<object[]> {
  if ((id === undefined) === (pkg === undefined)) throw new QueryError('give exactly one of id (a CVE or advisory id) or package (a package name)');
  const rows = await db.query<Row>(
    `SELECT pv.vuln_id, pv.severity, pv.finding->'vulnerability' AS v, p.pkg, ip.digest,
       (SELECT coalesce(jsonb_agg(host ORDER BY host), '[]'::jsonb) FROM image_hosts ih WHERE ih.digest = ip.digest) AS hosts
     FROM package_vulns pv JOIN packages p ON p.pkg_key = pv.pkg_key JOIN image_packages ip ON ip.pkg_key = pv.pkg_key
     WHERE ($1::text IS NULL OR pv.vuln_id = $1 OR pv.finding->'vulnerability'->'ids' ? $1) AND ($2::text IS NULL OR p.pkg->>'name' = $2)
     ORDER BY pv.severity_rank DESC, pv.vuln_id, ip.digest LIMIT 5000`,
    [id ?? null, pkg ?? null],
  );
  return rows.map((r) => {
    const v = r.v as { ids?: string[]; fixedVersion?: string; summary?: string };
    const p = r.pkg as { name: string; version: string; type: string };
    return { id: r.vuln_id, ids: v.ids ?? [], severity: r.severity, fixedVersion: v.fixedVersion ?? null, summary: v.summary ?? null, package: { type: p.type, name: p.name, version: p.version }, image: r.digest, hosts: r.hosts };
  });
}
