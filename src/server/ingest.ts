/**
 * Storing what agents push. A report is stored in one transaction, or not at all: a
 * server killed half-way leaves the previous state, and the agent's replay (same id)
 * stores it then. A replay of a stored report changes nothing.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES, severityRank, type Finding, type Severity } from '../models/finding.ts';
import type { AgentAlerts, AgentImage, AgentReport } from './report-shape.ts';
import { fillHostVulns } from './match.ts';
import type { Sql, Store } from './store.ts';

/** Rows per multi-row INSERT: on a PostgreSQL server, few statements; on the embedded store, a bounded one (below). */
const CHUNK = 5000;
/**
 * The embedded store's WebAssembly memory grows to the largest statement it has run and
 * never shrinks: a statement's JSON parameter is copied in, parsed, and expanded to rows,
 * so its peak follows the rows per statement, not the rows per report.
 */
const EMBEDDED_CHUNK = 1000;

export interface IngestResult {
  stored: boolean;
  /** Images whose inventory arrived with this report: their packages are matched by a queued job. */
  inventories: string[];
}

/** The same finding across reports: its rule, what it is about (by name, which survives a container being recreated) and where. */
export function fingerprint(f: Finding): string {
  const location = f.location ? JSON.stringify(f.location) : '';
  return createHash('sha256')
    .update(`${f.ruleId}\u0000${f.subject.kind}\u0000${f.subject.name ?? f.subject.id}\u0000${location}`)
    .digest('hex')
    .slice(0, 32);
}

/** The os fields that decide how a package is matched (distro and release); not where the file was. */
function osKey(os: unknown): Record<string, unknown> | null {
  if (typeof os !== 'object' || os === null) return null;
  const o = os as Record<string, unknown>;
  return { id: o.id, versionId: o.versionId, versionCodename: o.versionCodename, idLike: o.idLike ?? [] };
}

export function packageKey(os: Record<string, unknown> | null, p: Record<string, unknown>): string {
  const source = (p.source ?? {}) as { name?: string; version?: string };
  return createHash('sha256')
    .update(JSON.stringify([os, p.type, p.name, p.version, source.name ?? null, source.version ?? null]))
    .digest('hex')
    .slice(0, 32);
}

export async function ingestReport(store: Store, report: AgentReport, tokenId: string | null, now = new Date()): Promise<IngestResult> {
  return store.transaction(async (tx) => {
    const at = now.toISOString();
    const inserted = await tx.query(
      `INSERT INTO reports (id, host, received_at, sent_at, agent_version, token_id, audit) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [report.id, report.host, at, report.sentAt, report.agentVersion, tokenId, JSON.stringify(report.audit)],
    );
    if (inserted.length === 0) return { stored: false, inventories: [] };
    await storeFindings(tx, report, at);
    await storeContainers(tx, report, at);
    const inventories = await storeImages(tx, report, at, store.kind === 'embedded' ? EMBEDDED_CHUNK : CHUNK);
    return { stored: true, inventories };
  });
}

async function storeFindings(tx: Sql, report: AgentReport, at: string): Promise<void> {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const rows = new Map<string, object>();
  for (const f of report.audit.findings) {
    if (f.suppressed === undefined) bySeverity[f.severity]++;
    const fp = fingerprint(f);
    rows.set(fp, { fp, rule_id: f.ruleId, severity: f.severity, rank: severityRank(f.severity), kind: f.subject.kind, sid: f.subject.id, sname: f.subject.name ?? null, finding: f });
  }
  const open = new Set((await tx.query<{ fingerprint: string }>('SELECT fingerprint FROM findings WHERE host = $1 AND closed_at IS NULL', [report.host])).map((r) => r.fingerprint));
  const opened = [...rows.keys()].filter((fp) => !open.has(fp));
  const closed = [...open].filter((fp) => !rows.has(fp));
  await tx.query(
    `INSERT INTO findings AS f (host, fingerprint, rule_id, severity, severity_rank, subject_kind, subject_id, subject_name, finding, first_seen, last_seen, last_report, closed_at)
     SELECT $1, x.fp, x.rule_id, x.severity, x.rank, x.kind, x.sid, x.sname, x.finding, $3, $3, $4, NULL
     FROM jsonb_to_recordset($2::jsonb) AS x(fp text, rule_id text, severity text, rank int, kind text, sid text, sname text, finding jsonb)
     ON CONFLICT (host, fingerprint) DO UPDATE SET severity = excluded.severity, severity_rank = excluded.severity_rank, subject_id = excluded.subject_id,
       subject_name = excluded.subject_name, finding = excluded.finding, last_seen = excluded.last_seen, last_report = excluded.last_report,
       closed_at = NULL, first_seen = CASE WHEN f.closed_at IS NULL THEN f.first_seen ELSE excluded.first_seen END`,
    [report.host, JSON.stringify([...rows.values()]), at, report.id],
  );
  if (closed.length > 0) {
    await tx.query(`UPDATE findings SET closed_at = $2 WHERE host = $1 AND fingerprint IN (SELECT jsonb_array_elements_text($3::jsonb))`, [report.host, at, JSON.stringify(closed)]);
  }
  const events = [...opened.map((fp) => ({ fp, kind: 'opened' })), ...closed.map((fp) => ({ fp, kind: 'closed' }))];
  if (events.length > 0) {
    await tx.query(`INSERT INTO finding_events (host, fingerprint, at, kind) SELECT $1, x.fp, $2, x.kind FROM jsonb_to_recordset($3::jsonb) AS x(fp text, kind text)`, [
      report.host,
      at,
      JSON.stringify(events),
    ]);
  }
  const containers = report.audit.target?.containers ?? report.containers?.length ?? 0;
  await tx.query(
    `INSERT INTO hosts (name, first_seen, last_seen, last_report, daemon_version, agent_version, by_severity, containers) VALUES ($1, $2, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen, last_report = excluded.last_report, daemon_version = excluded.daemon_version,
       agent_version = excluded.agent_version, by_severity = excluded.by_severity, containers = excluded.containers`,
    [report.host, at, report.id, report.audit.target?.engineVersion ?? null, report.agentVersion, JSON.stringify(bySeverity), containers],
  );
}

async function storeContainers(tx: Sql, report: AgentReport, at: string): Promise<void> {
  const list = new Map<string, object>();
  for (const c of report.containers ?? []) list.set(c.id, { id: c.id, name: c.name ?? null, image: c.image ?? null, digest: c.imageDigest ?? null, state: c.state ?? null, config: c.config ?? null });
  // Agents that send no container list: the containers the audit's findings name.
  if (report.containers === undefined) {
    for (const f of report.audit.findings) {
      if (f.subject.kind === 'container' && !list.has(f.subject.id)) list.set(f.subject.id, { id: f.subject.id, name: f.subject.name ?? null, image: null, digest: null, state: null, config: null });
    }
  }
  await tx.query(
    `INSERT INTO containers (host, id, name, image, image_digest, state, config, last_report, last_seen)
     SELECT $1, x.id, x.name, x.image, x.digest, x.state, x.config, $2, $3 FROM jsonb_to_recordset($4::jsonb) AS x(id text, name text, image text, digest text, state text, config jsonb)
     ON CONFLICT (host, id) DO UPDATE SET name = excluded.name, image = COALESCE(excluded.image, containers.image), image_digest = COALESCE(excluded.image_digest, containers.image_digest),
       state = excluded.state, config = excluded.config, last_report = excluded.last_report, last_seen = excluded.last_seen`,
    [report.host, report.id, at, JSON.stringify([...list.values()])],
  );
  await tx.query('DELETE FROM containers WHERE host = $1 AND last_report <> $2', [report.host, report.id]);
}

async function storeImages(tx: Sql, report: AgentReport, at: string, chunk: number): Promise<string[]> {
  const images = report.images;
  if (images.length > 0) {
    await tx.query(
      `INSERT INTO images (digest, refs, layers, first_seen)
       SELECT x.digest, ARRAY(SELECT jsonb_array_elements_text(x.refs)), ARRAY(SELECT jsonb_array_elements_text(x.layers)), $2
       FROM jsonb_to_recordset($1::jsonb) AS x(digest text, refs jsonb, layers jsonb)
       ON CONFLICT (digest) DO UPDATE SET refs = ARRAY(SELECT DISTINCT r FROM unnest(images.refs || excluded.refs) AS r ORDER BY r),
         layers = CASE WHEN cardinality(excluded.layers) > 0 THEN excluded.layers ELSE images.layers END`,
      [JSON.stringify(dedupe(images.map((i) => ({ digest: i.digest, refs: i.references, layers: i.layers })))), at],
    );
    await tx.query(
      `INSERT INTO image_hosts (digest, host, last_report, last_seen, signature) SELECT x.digest, $1, $2, $3, x.signature FROM jsonb_to_recordset($4::jsonb) AS x(digest text, signature jsonb)
       ON CONFLICT (digest, host) DO UPDATE SET last_report = excluded.last_report, last_seen = excluded.last_seen, signature = excluded.signature`,
      [report.host, report.id, at, JSON.stringify(dedupe(images.map((i) => ({ digest: i.digest, signature: i.signature ?? null }))))],
    );
  }
  await tx.query('DELETE FROM image_hosts WHERE host = $1 AND last_report <> $2', [report.host, report.id]);
  // The host's vulnerabilities follow the images it runs now (those matched already; a new image's come with its match job).
  await tx.query('DELETE FROM host_vulns WHERE host = $1 AND digest NOT IN (SELECT digest FROM image_hosts WHERE host = $1)', [report.host]);
  await tx.query(fillHostVulns('ih.host = $1'), [report.host]);

  return storeInventories(tx, images, at, chunk);
}

/** Inventories of images the server did not hold yet (an image's content does not change under its digest); returns their digests. */
async function storeInventories(tx: Sql, images: readonly AgentImage[], at: string, chunk: number): Promise<string[]> {
  const withInventory = images.filter((i) => i.inventory !== undefined);
  if (withInventory.length === 0) return [];
  const fresh = await tx.query<{ digest: string }>(
    `UPDATE images SET inventory = x.inv, inventory_at = $2 FROM jsonb_to_recordset($1::jsonb) AS x(digest text, inv jsonb)
     WHERE images.digest = x.digest AND images.inventory IS NULL RETURNING images.digest`,
    [JSON.stringify(dedupe(withInventory.map((i) => ({ digest: i.digest, inv: { os: i.inventory?.os ?? null, packages: i.inventory?.packages.length ?? 0 } })))), at],
  );
  const freshSet = new Set(fresh.map((r) => r.digest));
  const pkgs = new Map<string, object>();
  const placed: object[] = [];
  for (const image of withInventory) {
    if (!freshSet.has(image.digest)) continue;
    const os = osKey(image.inventory?.os);
    for (const p of image.inventory?.packages ?? []) {
      const key = packageKey(os, p);
      if (!pkgs.has(key)) pkgs.set(key, { key, os, pkg: { type: p.type, name: p.name, version: p.version, purl: p.purl, ...(p.source !== undefined ? { source: p.source } : {}) } });
      placed.push({ digest: image.digest, key, purl: p.purl, found_in: p.foundIn, layer: typeof p.layer === 'string' ? p.layer : null });
    }
  }
  // In chunks: a bounded number of rows per statement keeps the JSON parameter (copied into the embedded store's memory) small.
  const sortedPkgs = [...pkgs.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((e) => e[1]);
  for (let i = 0; i < sortedPkgs.length; i += chunk) {
    await tx.query(
      `INSERT INTO packages (pkg_key, os, pkg) SELECT x.key, x.os, x.pkg FROM jsonb_to_recordset($1::jsonb) AS x(key text, os jsonb, pkg jsonb) ON CONFLICT (pkg_key) DO NOTHING`,
      [JSON.stringify(sortedPkgs.slice(i, i + chunk))],
    );
  }
  for (let i = 0; i < placed.length; i += chunk) {
    await tx.query(
      `INSERT INTO image_packages (digest, pkg_key, purl, found_in, layer) SELECT x.digest, x.key, x.purl, x.found_in, x.layer
       FROM jsonb_to_recordset($1::jsonb) AS x(digest text, key text, purl text, found_in text, layer text)`,
      [JSON.stringify(placed.slice(i, i + chunk))],
    );
  }
  return [...freshSet];
}

/**
 * An image read from a registry by the server itself (the `moat-scan-image` queue): its
 * inventory is stored as an agent's would be, under its config digest, with no host.
 */
export async function storeScannedImage(store: Store, image: AgentImage, now = new Date()): Promise<boolean> {
  return store.transaction(async (tx) => {
    const at = now.toISOString();
    await tx.query(
      `INSERT INTO images (digest, refs, layers, first_seen) SELECT $1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)), ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), $4
       ON CONFLICT (digest) DO UPDATE SET refs = ARRAY(SELECT DISTINCT r FROM unnest(images.refs || excluded.refs) AS r ORDER BY r)`,
      [image.digest, JSON.stringify(image.references), JSON.stringify(image.layers), at],
    );
    return (await storeInventories(tx, [image], at, store.kind === 'embedded' ? EMBEDDED_CHUNK : CHUNK)).length > 0;
  });
}

/** One row per digest, in digest order: concurrent reports then lock shared rows in the same order (no deadlock). */
function dedupe<T extends { digest: string }>(rows: T[]): T[] {
  const seen = new Map<string, T>();
  for (const r of rows) if (!seen.has(r.digest)) seen.set(r.digest, r);
  return [...seen.values()].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
}

export async function ingestAlerts(store: Store, batch: AgentAlerts, now = new Date()): Promise<boolean> {
  return store.transaction(async (tx) => {
    const inserted = await tx.query(`INSERT INTO alert_batches (id, host, received_at, count) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id`, [
      batch.id,
      batch.host,
      now.toISOString(),
      batch.alerts.length,
    ]);
    if (inserted.length === 0) return false;
    const rows = batch.alerts.map((a) => ({
      at: typeof a.time === 'string' && !Number.isNaN(Date.parse(a.time)) ? a.time : now.toISOString(),
      kind: typeof a.kind === 'string' ? a.kind : 'unknown',
      severity: typeof a.severity === 'string' && (SEVERITIES as readonly string[]).includes(a.severity) ? a.severity : 'info',
      message: typeof a.message === 'string' ? a.message : '(no message)',
      detail: a,
    }));
    await tx.query(
      `INSERT INTO alerts (host, at, received_at, source, kind, severity, message, detail)
       SELECT $1, x.at::timestamptz, $2, 'watch', x.kind, x.severity, x.message, x.detail FROM jsonb_to_recordset($3::jsonb) AS x(at text, kind text, severity text, message text, detail jsonb)`,
      [batch.host, now.toISOString(), JSON.stringify(rows)],
    );
    return true;
  });
}

/** Digests of these images whose inventory the server does not hold. */
export async function missingInventories(db: Sql, digests: string[]): Promise<string[]> {
  if (digests.length === 0) return [];
  const have = new Set(
    (await db.query<{ digest: string }>(`SELECT digest FROM images WHERE inventory IS NOT NULL AND digest IN (SELECT jsonb_array_elements_text($1::jsonb))`, [JSON.stringify(digests)])).map((r) => r.digest),
  );
  return [...new Set(digests)].filter((d) => !have.has(d));
}
