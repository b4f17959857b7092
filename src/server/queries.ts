/**
 * The read side of the API: one function per endpoint, each one SQL statement or a few,
 * shaped as documented in openapi.ts. Times are ISO strings; counts are numbers.
 */
import { SEVERITIES, isSeverity, type Finding, type Severity } from '../models/finding.ts';
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
  return rows.map((c) => ({
    host: c.host,
    id: c.id,
    name: c.name ?? null,
    image: c.image ?? null,
    imageDigest: c.image_digest ?? null,
    state: c.state ?? null,
    lastSeen: iso(c.last_seen as Date),
    bySeverity: { ...ZERO(), ...((c.counts as object | null) ?? {}) },
  }));
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
    host: c.host,
    id: c.id,
    name: c.name ?? null,
    image: c.image ?? null,
    imageDigest: c.image_digest ?? null,
    state: c.state ?? null,
    lastSeen: iso(c.last_seen as Date),
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


/**
 * Open findings: the audit's (per host) and the vulnerabilities of the images each host
 * runs, most severe first. `cursor` is opaque: the `next` of the previous page.
 */
export async function listFindings(db: Sql, q: FindingFilter): Promise<{ findings: object[]; next: string | null }> {
  const limit = q.limit === undefined ? 100 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new QueryError(`limit "${q.limit}": give a whole number from 1 to 1000`);
  let offset = 0;
  if (q.cursor !== undefined) {
    offset = Number(Buffer.from(q.cursor, 'base64url').toString());
    if (!Number.isInteger(offset) || offset < 0) throw new QueryError('cursor: not a cursor this server gave (use the "next" of the previous page)');
  }
  let severities: string[] | null = null;
  if (q.severity !== undefined) {
    severities = q.severity.split(',').map((s) => s.trim());
    const bad = severities.find((s) => !isSeverity(s));
    if (bad !== undefined) throw new QueryError(`severity "${bad}": use ${SEVERITIES.join(', ')} (comma-separated)`);
  }
  if (q.since !== undefined && Number.isNaN(Date.parse(q.since))) throw new QueryError(`since "${q.since}": give an ISO time, like 2026-12-01 or 2026-12-01T10:00:00Z`);
  const wantAudit = q.image === undefined && q.cve === undefined && q.rule !== VULN_RULE;
  const wantVulns = q.rule === undefined || q.rule === VULN_RULE;
  if (!wantAudit && !wantVulns) return { findings: [], next: null };
  // A CVE is looked up by the ids findings carry (an alias finds its advisory), then by index: nearly always one id.
  let cveIds: string[] = [];
  if (q.cve !== undefined) {
    cveIds = (
      await db.query<{ vuln_id: string }>(`SELECT DISTINCT vuln_id FROM package_vulns WHERE vuln_id = $1 OR finding->'vulnerability'->'ids' ? $1`, [q.cve])
    ).map((r) => r.vuln_id);
    if (cveIds.length === 0) return { findings: [], next: null };
  }
  const params = [q.host ?? null, q.rule ?? null, severities === null ? null : JSON.stringify(severities), q.since ?? null, q.image ?? null, q.cve ?? null, limit + 1, offset, offset + limit + 1, ...cveIds];
  // Each side is an ordered index scan cut at the page's end; only the page's rows are then read whole.
  const audit = `(SELECT f.host, f.fingerprint AS id, f.severity_rank, 'a' AS side FROM findings f
      WHERE ${wantAudit ? 'TRUE' : 'FALSE'} AND f.closed_at IS NULL AND ($1::text IS NULL OR f.host = $1) AND ($2::text IS NULL OR f.rule_id = $2)
        AND ($3::jsonb IS NULL OR f.severity IN (SELECT jsonb_array_elements_text($3::jsonb))) AND ($4::timestamptz IS NULL OR f.first_seen >= $4::timestamptz)
      ORDER BY f.severity_rank DESC, f.host, f.fingerprint LIMIT $9)`;
  const vulns = `(SELECT v.host, v.id, v.severity_rank, 'v' AS side FROM host_vulns v
      WHERE ${wantVulns ? 'TRUE' : 'FALSE'} AND ($1::text IS NULL OR v.host = $1) AND ($3::jsonb IS NULL OR v.severity IN (SELECT jsonb_array_elements_text($3::jsonb)))
        AND ($4::timestamptz IS NULL OR v.first_seen >= $4::timestamptz)
        AND ($5::text IS NULL OR v.digest = $5 OR v.digest IN (SELECT digest FROM images WHERE $5 = ANY (refs)))
        AND ($6::text IS NULL OR TRUE) AND ${cveIds.length === 0 ? 'TRUE' : `v.vuln_id IN (${cveIds.map((_, i) => `$${10 + i}`).join(', ')})`}
      ORDER BY v.severity_rank DESC, v.host, v.id LIMIT $9)`;
  const keys = await db.query<{ host: string; id: string; side: string }>(
    `SELECT host, id, side FROM (${audit} UNION ALL ${vulns}) u WHERE ($2::text IS NULL OR TRUE) ORDER BY severity_rank DESC, host, id LIMIT $7 OFFSET $8`,
    params,
  );
  const pageKeys = keys.slice(0, limit);
  const auditKeys = pageKeys.filter((k) => k.side === 'a').map((k) => ({ host: k.host, id: k.id }));
  const vulnKeys = pageKeys.filter((k) => k.side === 'v').map((k) => ({ host: k.host, id: k.id }));
  const details = new Map<string, Row>();
  if (auditKeys.length > 0) {
    for (const r of await db.query<Row>(
      `SELECT f.host, f.fingerprint AS id, NULL::text AS image, NULL::text[] AS refs, f.first_seen, f.last_seen, f.finding, NULL::text AS purl, NULL::text AS found_in, NULL::text AS layer
       FROM jsonb_to_recordset($1::jsonb) AS k(host text, id text) JOIN findings f ON f.host = k.host AND f.fingerprint = k.id`,
      [JSON.stringify(auditKeys)],
    )) {
      details.set(`a:${r.host}:${r.id}`, r);
    }
  }
  if (vulnKeys.length > 0) {
    for (const r of await db.query<Row>(
      `SELECT v.host, v.id, v.digest AS image, i.refs, v.first_seen, ih.last_seen, pv.finding, ip.purl, ip.found_in, ip.layer
       FROM jsonb_to_recordset($1::jsonb) AS k(host text, id text) JOIN host_vulns v ON v.host = k.host AND v.id = k.id
       JOIN images i ON i.digest = v.digest JOIN image_hosts ih ON ih.digest = v.digest AND ih.host = v.host
       JOIN package_vulns pv ON pv.pkg_key = v.pkg_key AND pv.vuln_id = v.vuln_id
       JOIN LATERAL (SELECT purl, found_in, layer FROM image_packages x WHERE x.digest = v.digest AND x.pkg_key = v.pkg_key LIMIT 1) ip ON TRUE`,
      [JSON.stringify(vulnKeys)],
    )) {
      details.set(`v:${r.host}:${r.id}`, r);
    }
  }
  const rows = pageKeys.map((k) => details.get(`${k.side}:${k.host}:${k.id}`)).filter((r): r is Row => r !== undefined);
  const triage = await listTriage(db, new Date());
  const page = rows.map((r) => {
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
  return { findings: page, next: keys.length > limit ? Buffer.from(String(offset + limit)).toString('base64url') : null };
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
