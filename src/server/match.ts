/**
 * Vulnerabilities of stored inventories, without reading an image again. Each distinct
 * package (its matching identity: distro, type, name, version, source) is matched once
 * with the same code `moat scan` uses (src/vuln/match), its results kept in
 * package_vulns; which image and host it hits is then a join in SQL. After the
 * vulnerability database changes, every package is matched again and the difference,
 * joined to the images hosts run, raises the alerts.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { severityRank, type Finding } from '../models/finding.ts';
import type { Inventory, OsRelease, Package } from '../models/inventory.ts';
import type { VulnDatabase } from '../knowledge/vuln/db/vuln-database.ts';
import { matchInventory } from '../knowledge/vuln/match/match.ts';
import type { Sql, Store } from './store.ts';

export interface VulnSource {
  file: string;
  /** A name for the database's content: it changes when `moat db update` or `import` changes the data. */
  generation(): Promise<string | undefined>;
  open(): Promise<VulnDatabase | undefined>;
}

export function vulnSource(file: string): VulnSource {
  const open = async (): Promise<VulnDatabase | undefined> => {
    try {
      statSync(file);
    } catch {
      return undefined;
    }
    const { VulnDatabase } = await import('../knowledge/vuln/db/vuln-database.ts');
    return VulnDatabase.open(file);
  };
  return {
    file,
    open,
    async generation() {
      const db = await open();
      if (db === undefined) return undefined;
      try {
        return createHash('sha256').update(JSON.stringify(db.sources())).digest('hex').slice(0, 24);
      } finally {
        db.close();
      }
    },
  };
}

interface PackageRow {
  pkg_key: string;
  os: Omit<OsRelease, 'foundIn'> | null;
  pkg: Pick<Package, 'type' | 'name' | 'version' | 'purl' | 'source'>;
}

interface VulnRow {
  key: string;
  id: string;
  severity: string;
  rank: number;
  finding: Finding;
}

/** Matches packages, grouped by distro (matching depends on it); the package key rides in `foundIn` to tell results apart. */
export function matchRows(db: VulnDatabase, rows: readonly PackageRow[]): VulnRow[] {
  const groups = new Map<string, PackageRow[]>();
  for (const r of rows) {
    const k = JSON.stringify(r.os);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [r]);
    else g.push(r);
  }
  const out: VulnRow[] = [];
  for (const group of groups.values()) {
    const os = group[0]?.os;
    const inventory: Inventory = {
      ...(os ? { os: { ...os, idLike: os.idLike ?? [], foundIn: '' } } : {}),
      packages: group.map((r) => ({ ...r.pkg, foundIn: r.pkg_key }) as Package),
      analyzers: [],
      problems: [],
    };
    const seen = new Set<string>();
    for (const f of matchInventory(db, inventory).findings) {
      const key = f.vulnerability?.foundIn as string;
      const id = f.vulnerability?.id as string;
      if (seen.has(`${key}:${id}`)) continue;
      seen.add(`${key}:${id}`);
      out.push({ key, id, severity: f.severity, rank: severityRank(f.severity), finding: f });
    }
  }
  return out;
}

/** host_vulns rows for what `where` selects of image_hosts ⋈ image_packages ⋈ package_vulns (aliases ih, ip, pv, i). */
export function fillHostVulns(where: string): string {
  return `INSERT INTO host_vulns (host, id, digest, pkg_key, vuln_id, severity, severity_rank, first_seen)
    SELECT ih.host, ih.digest || ':' || ip.pkg_key || ':' || pv.vuln_id, ih.digest, ip.pkg_key, pv.vuln_id, pv.severity, pv.severity_rank, i.first_seen
    FROM image_hosts ih JOIN images i ON i.digest = ih.digest JOIN image_packages ip ON ip.digest = ih.digest JOIN package_vulns pv ON pv.pkg_key = ip.pkg_key
    WHERE ${where} ON CONFLICT DO NOTHING`;
}

const CHUNK = 5000;

async function insertChunks(tx: Sql, table: string, rows: readonly VulnRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx.query(
      `INSERT INTO ${table} (pkg_key, vuln_id, severity, severity_rank, finding)
       SELECT x.key, x.id, x.severity, x.rank, x.finding FROM jsonb_to_recordset($1::jsonb) AS x(key text, id text, severity text, rank int, finding jsonb)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(rows.slice(i, i + CHUNK))],
    );
  }
}

/** The packages of one newly stored inventory that the current database has not matched yet. */
export async function matchImage(store: Store, source: VulnSource, digest: string): Promise<{ packages: number; vulnerabilities: number }> {
  const generation = await source.generation();
  const db = generation === undefined ? undefined : await source.open();
  if (db === undefined || generation === undefined) return { packages: 0, vulnerabilities: 0 };
  try {
    const rows = await store.query<PackageRow>(
      `SELECT p.pkg_key, p.os, p.pkg FROM packages p WHERE p.pkg_key IN (SELECT pkg_key FROM image_packages WHERE digest = $1)
         AND p.matched_generation IS DISTINCT FROM $2`,
      [digest, generation],
    );
    const found = matchRows(db, rows);
    await store.transaction(async (tx) => {
      await insertChunks(tx, 'package_vulns', found);
      await tx.query(`UPDATE packages SET matched_generation = $2 WHERE pkg_key IN (SELECT jsonb_array_elements_text($1::jsonb))`, [JSON.stringify(rows.map((r) => r.pkg_key)), generation]);
      await tx.query(`UPDATE images SET matched_generation = $2 WHERE digest = $1`, [digest, generation]);
      await tx.query(fillHostVulns('ih.digest = $1'), [digest]);
    });
    return { packages: rows.length, vulnerabilities: found.length };
  } finally {
    db.close();
  }
}

export interface RematchResult {
  skipped?: string;
  generation?: string;
  packages: number;
  vulnerabilities: number;
  alerts: number;
  durationMs: number;
}

/**
 * Every stored package against the current database, in one transaction: the new
 * results replace the old, and a vulnerability an image running on a host did not have
 * before becomes an alert for that host.
 */
export async function rematchAll(store: Store, source: VulnSource, now = new Date()): Promise<RematchResult> {
  const t0 = performance.now();
  const generation = await source.generation();
  if (generation === undefined) return { skipped: `no vulnerability database at ${source.file}`, packages: 0, vulnerabilities: 0, alerts: 0, durationMs: 0 };
  const state = await store.query<{ generation: string }>('SELECT generation FROM vuln_state WHERE id = 1');
  if (state[0]?.generation === generation) return { skipped: 'already matched against this database', generation, packages: 0, vulnerabilities: 0, alerts: 0, durationMs: 0 };
  const db = (await source.open()) as VulnDatabase;
  let found: VulnRow[];
  let packages: number;
  try {
    const rows = await store.query<PackageRow>('SELECT pkg_key, os, pkg FROM packages');
    packages = rows.length;
    found = matchRows(db, rows);
  } finally {
    db.close();
  }
  const alerts = await store.transaction(async (tx) => {
    await tx.query('CREATE TEMP TABLE pv_next (LIKE package_vulns INCLUDING ALL) ON COMMIT DROP');
    await insertChunks(tx, 'pv_next', found);
    // New: not in the previous results for that package, which was matched before (a package seen for the first time is no news).
    const raised = await tx.query<{ n: number }>(
      `WITH fresh AS (
         SELECT n.* FROM pv_next n JOIN packages p ON p.pkg_key = n.pkg_key
         WHERE p.matched_generation IS NOT NULL AND NOT EXISTS (SELECT 1 FROM package_vulns o WHERE o.pkg_key = n.pkg_key AND o.vuln_id = n.vuln_id)
       ), hits AS (
         SELECT DISTINCT ON (ih.host, ip.digest, f.vuln_id) ih.host, ip.digest, f.vuln_id, f.severity, f.finding, i.refs
         FROM fresh f JOIN image_packages ip ON ip.pkg_key = f.pkg_key JOIN image_hosts ih ON ih.digest = ip.digest JOIN images i ON i.digest = ip.digest
         -- Driven by the vulnerability id: an advisory new to the database has no old rows at all.
         WHERE NOT EXISTS (SELECT 1 FROM package_vulns o2 WHERE o2.vuln_id = f.vuln_id AND EXISTS (SELECT 1 FROM image_packages ip2 WHERE ip2.digest = ip.digest AND ip2.pkg_key = o2.pkg_key))
         ORDER BY ih.host, ip.digest, f.vuln_id, f.severity_rank DESC
       ), ins AS (
         INSERT INTO alerts (host, at, received_at, source, kind, severity, message, image, vuln_id, detail)
         SELECT host, $1, $1, 'rematch', 'vulnerability', severity,
           'image ' || coalesce(refs[1], digest) || ' running on ' || host || ' is newly affected by ' || vuln_id || ' (' || (finding->'subject'->>'name') || ')',
           digest, vuln_id, jsonb_build_object('image', digest, 'references', to_jsonb(refs), 'vulnerability', finding->'vulnerability', 'package', finding->'subject'->>'name')
         FROM hits RETURNING 1
       ) SELECT count(*)::int AS n FROM ins`,
      [now.toISOString()],
    );
    await tx.query('DELETE FROM package_vulns');
    await tx.query('INSERT INTO package_vulns SELECT * FROM pv_next');
    await tx.query('UPDATE packages SET matched_generation = $1', [generation]);
    await tx.query('DELETE FROM host_vulns');
    await tx.query(fillHostVulns('TRUE'));
    await tx.query('UPDATE images SET matched_generation = $1 WHERE inventory IS NOT NULL', [generation]);
    const ms = Math.round(performance.now() - t0);
    await tx.query(
      `INSERT INTO vuln_state (id, generation, matched_at, packages, duration_ms) VALUES (1, $1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, matched_at = excluded.matched_at, packages = excluded.packages, duration_ms = excluded.duration_ms`,
      [generation, now.toISOString(), packages, ms],
    );
    return raised[0]?.n ?? 0;
  });
  return { generation, packages, vulnerabilities: found.length, alerts, durationMs: Math.round(performance.now() - t0) };
}
