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

/**
 * What a package's match results are, in one value: a re-match compares it with the
 * stored one and writes only the packages whose results changed.
 */
export function resultsHash(rows: readonly VulnRow[]): string {
  const h = createHash('sha256');
  for (const r of [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) h.update(`${r.id}\u0000${r.severity}\u0000${JSON.stringify(r.finding)}\u0001`);
  return h.digest('hex').slice(0, 32);
}

function byPackage(rows: readonly VulnRow[]): Map<string, VulnRow[]> {
  const out = new Map<string, VulnRow[]>();
  for (const r of rows) {
    const list = out.get(r.key);
    if (list === undefined) out.set(r.key, [r]);
    else list.push(r);
  }
  return out;
}

/**
 * The packages of one newly stored inventory that were never matched. A package matched
 * before, against an older database, is left to the re-match the database change queued:
 * matching it here would take the news from the images already running it (the re-match
 * would find its results unchanged and raise no alert). A package the re-match claims
 * meanwhile is skipped at the write, not matched twice.
 */
export async function matchImage(store: Store, source: VulnSource, digest: string): Promise<{ packages: number; vulnerabilities: number }> {
  const generation = await source.generation();
  const db = generation === undefined ? undefined : await source.open();
  if (db === undefined || generation === undefined) return { packages: 0, vulnerabilities: 0 };
  try {
    const rows = await store.query<PackageRow>(
      `SELECT p.pkg_key, p.os, p.pkg FROM packages p WHERE p.pkg_key IN (SELECT pkg_key FROM image_packages WHERE digest = $1)
         AND p.matched_generation IS NULL`,
      [digest],
    );
    const found = matchRows(db, rows);
    const results = byPackage(found);
    let written = 0;
    await store.transaction(async (tx) => {
      const claimed = await tx.query<{ pkg_key: string }>(
        `UPDATE packages SET matched_generation = $2, vulns_hash = x.hash FROM jsonb_to_recordset($1::jsonb) AS x(key text, hash text)
         WHERE packages.pkg_key = x.key AND packages.matched_generation IS NULL RETURNING packages.pkg_key`,
        [JSON.stringify(rows.map((r) => ({ key: r.pkg_key, hash: resultsHash(results.get(r.pkg_key) ?? []) }))), generation],
      );
      const keys = new Set(claimed.map((c) => c.pkg_key));
      const mine = found.filter((f) => keys.has(f.key));
      written = mine.length;
      await insertChunks(tx, 'package_vulns', mine);
      await tx.query(`UPDATE images SET matched_generation = $2 WHERE digest = $1`, [digest, generation]);
      await tx.query(fillHostVulns('ih.digest = $1'), [digest]);
    });
    return { packages: rows.length, vulnerabilities: written };
  } finally {
    db.close();
  }
}

export interface RematchResult {
  skipped?: string;
  generation?: string;
  packages: number;
  /** Packages whose results changed, the only ones written. */
  changed: number;
  vulnerabilities: number;
  alerts: number;
  durationMs: number;
}

/** Packages read and matched at a time: bounds the server's memory whatever the number of stored packages. */
const SCAN_BATCH = 20_000;
/** Changed packages written per transaction: bounds a transaction's size (an embedded store's memory grows with it). */
const WRITE_BATCH = 100;
/** Transactions writing batches at once on a PostgreSQL server. */
const WRITERS = 2;

interface StoredPackage extends PackageRow {
  vulns_hash: string | null;
  matched_generation: string | null;
}

/**
 * Every stored package against the current database, incrementally: packages are
 * matched a batch at a time, and only those whose results differ from the stored ones
 * are written, their rows in package_vulns and host_vulns changed by difference (rows
 * gone deleted, new rows inserted, a changed severity updated). A vulnerability that an
 * image running on a host did not have before becomes an alert for that host, one per
 * host and image.
 *
 * Each batch of changed packages is one transaction, consistent on its own, and keeps
 * what it found new (rematch_news_pkg, rematch_news); the last step turns those into alerts. A server
 * killed half-way leaves some packages at the new results and the rest at the old, and
 * the re-match it queues again on start finds the first ones unchanged (no alert twice)
 * and raises the news they left.
 */
export async function rematchAll(store: Store, source: VulnSource, now = new Date()): Promise<RematchResult> {
  const t0 = performance.now();
  const none = { packages: 0, changed: 0, vulnerabilities: 0, alerts: 0, durationMs: 0 };
  const generation = await source.generation();
  if (generation === undefined) return { skipped: `no vulnerability database at ${source.file}`, ...none };
  const state = await store.query<{ generation: string }>('SELECT generation FROM vuln_state WHERE id = 1');
  if (state[0]?.generation === generation) return { skipped: 'already matched against this database', generation, ...none };
  const db = await source.open();
  if (db === undefined) return { skipped: `no vulnerability database at ${source.file}`, ...none };
  let packages = 0;
  let changed = 0;
  let vulnerabilities = 0;
  let alerts = 0;
  try {
    let after = '';
    for (;;) {
      const rows = await store.query<StoredPackage>('SELECT pkg_key, os, pkg, vulns_hash, matched_generation FROM packages WHERE pkg_key > $1 ORDER BY pkg_key LIMIT $2', [after, SCAN_BATCH]);
      if (rows.length === 0) break;
      after = (rows[rows.length - 1] as StoredPackage).pkg_key;
      packages += rows.length;
      const found = matchRows(db, rows);
      vulnerabilities += found.length;
      const results = byPackage(found);
      const delta: Array<{ key: string; hash: string; matched: boolean }> = [];
      for (const r of rows) {
        const hash = resultsHash(results.get(r.pkg_key) ?? []);
        if (hash !== r.vulns_hash || r.matched_generation === null) delta.push({ key: r.pkg_key, hash, matched: r.matched_generation !== null });
      }
      changed += delta.length;
      const parts: Array<typeof delta> = [];
      for (let i = 0; i < delta.length; i += WRITE_BATCH) parts.push(delta.slice(i, i + WRITE_BATCH));
      // Batches touch disjoint packages, so a server runs two at once (a backend each); the embedded store runs one statement at a time anyway.
      let next = 0;
      await Promise.all(
        Array.from({ length: store.kind === 'postgres' ? WRITERS : 1 }, async () => {
          for (let i = next++; i < parts.length; i = next++) {
            const part = parts[i] as typeof delta;
            await store.transaction(async (tx) => {
              // The batch's sorts fit in memory on a server; the embedded store keeps its default (its memory never shrinks).
              if (store.kind === 'postgres') await tx.query(`SET LOCAL work_mem = '64MB'`);
              await writeDelta(tx, part, part.flatMap((p) => results.get(p.key) ?? []), generation);
            });
          }
        }),
      );
      // The unchanged packages of the batch are current for this generation too. Not one stored since the batch was read
      // (never matched): its image's match job matches it, and marking it here would leave it without results.
      await store.query('UPDATE packages SET matched_generation = $1 WHERE pkg_key >= $2 AND pkg_key <= $3 AND matched_generation IS NOT NULL AND matched_generation IS DISTINCT FROM $1', [
        generation,
        (rows[0] as StoredPackage).pkg_key,
        after,
      ]);
    }
  } finally {
    db.close();
  }
  const ms = Math.round(performance.now() - t0);
  await store.transaction(async (tx) => {
    // With the results current, the news of every batch (also of an earlier run that died before this step) becomes alerts.
    alerts = (await tx.query<{ n: number }>(ALERT_SQL, [now.toISOString()]))[0]?.n ?? 0;
    await tx.query('UPDATE images SET matched_generation = $1 WHERE inventory IS NOT NULL AND matched_generation IS DISTINCT FROM $1', [generation]);
    await tx.query(
      `INSERT INTO vuln_state (id, generation, matched_at, packages, duration_ms) VALUES (1, $1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, matched_at = excluded.matched_at, packages = excluded.packages, duration_ms = excluded.duration_ms`,
      [generation, now.toISOString(), packages, ms],
    );
  });
  return { generation, packages, changed, vulnerabilities, alerts, durationMs: Math.round(performance.now() - t0) };
}

/**
 * What a batch found new, kept until the re-match's last step makes it alerts, in two
 * statements run before any row of the batch reaches host_vulns (so that host_vulns still
 * says what each image had before):
 * - a vulnerability new to the database (no package had it before) is news on every image
 *   that holds the package, on every host running it: kept once per package
 *   (rematch_news_pkg), which images and hosts that reaches is a join at the last step;
 * - one some package had before (an advisory extended to more packages or versions) is news
 *   only where the image did not have it through another package: looked up per host and
 *   image, kept per host and image (rematch_news). Rare, and small.
 * Only packages matched before count (a package seen for the first time is no news).
 */
const NEWS_PKG_SQL = `INSERT INTO rematch_news_pkg (generation, pkg_key, vuln_id, severity, severity_rank, package)
     SELECT $1, a.pkg_key, a.vuln_id, pv.severity, pv.severity_rank, pv.name
     FROM pv_added a JOIN pv_changed c ON c.pkg_key = a.pkg_key AND c.matched JOIN pv_next pv ON pv.pkg_key = a.pkg_key AND pv.vuln_id = a.vuln_id
     WHERE NOT EXISTS (SELECT 1 FROM pv_known k WHERE k.vuln_id = a.vuln_id)
     ON CONFLICT DO NOTHING`;

const NEWS_HOST_SQL = `INSERT INTO rematch_news (generation, host, digest, vuln_id, pkg_key, severity, severity_rank, package)
     SELECT $1, ih.host, ih.digest, a.vuln_id, a.pkg_key, pv.severity, pv.severity_rank, pv.name
     FROM pv_added a JOIN pv_known k ON k.vuln_id = a.vuln_id JOIN pv_changed c ON c.pkg_key = a.pkg_key AND c.matched
     JOIN pv_next pv ON pv.pkg_key = a.pkg_key AND pv.vuln_id = a.vuln_id
     JOIN image_packages ip ON ip.pkg_key = a.pkg_key JOIN image_hosts ih ON ih.digest = ip.digest JOIN images i ON i.digest = ih.digest
     WHERE NOT EXISTS (SELECT 1 FROM host_vulns o WHERE o.vuln_id = a.vuln_id AND o.host = ih.host AND o.digest = ih.digest)`;

/** Added rows placed on the hosts running an image that holds the package (in index order: the inserts then touch neighbouring index pages). */
const PLACE_SQL = `INSERT INTO host_vulns (host, id, digest, pkg_key, vuln_id, severity, severity_rank, first_seen)
     SELECT ih.host, ih.digest || ':' || ip.pkg_key || ':' || pv.vuln_id, ih.digest, ip.pkg_key, pv.vuln_id, pv.severity, pv.severity_rank, i.first_seen
     FROM pv_added a JOIN pv_next pv ON pv.pkg_key = a.pkg_key AND pv.vuln_id = a.vuln_id
     JOIN image_packages ip ON ip.pkg_key = a.pkg_key JOIN image_hosts ih ON ih.digest = ip.digest JOIN images i ON i.digest = ih.digest
     ORDER BY 1, 2
     ON CONFLICT DO NOTHING`;

/**
 * The alerts of a re-match, once its batches are written: one per host and image, naming
 * every vulnerability newly affecting it, most severe first. Package news is gathered per
 * image first (an image's list is the same on every host running it), and only then
 * joined to the hosts: the work grows with images, not with hosts × images. The few host
 * and image pairs with news of their own (rematch_news) get their list made for them.
 * Batches written at once could each take a vulnerability two packages of one image newly
 * have for news: it is named once here.
 */
const ALERT_SQL = `WITH pkg_news AS (
       DELETE FROM rematch_news_pkg RETURNING *
     ), host_news AS (
       DELETE FROM rematch_news RETURNING *
     ), image_news AS (
       SELECT DISTINCT ON (ip.digest, n.vuln_id) ip.digest, n.vuln_id, n.pkg_key, n.severity, n.severity_rank, n.package
       FROM pkg_news n JOIN image_packages ip ON ip.pkg_key = n.pkg_key
       ORDER BY ip.digest, n.vuln_id, n.severity_rank DESC, n.pkg_key
     ), per_digest AS (
       SELECT digest, count(*)::int AS n,
         jsonb_agg(jsonb_build_object('id', vuln_id, 'severity', severity, 'package', package) ORDER BY severity_rank DESC, vuln_id) AS vulns,
         (array_agg(vuln_id ORDER BY severity_rank DESC, vuln_id))[1] AS top_id,
         (array_agg(pkg_key ORDER BY severity_rank DESC, vuln_id))[1] AS top_pkg
       FROM image_news GROUP BY digest
     ), host_pairs AS (
       SELECT DISTINCT host, digest FROM host_news
     ), mixed AS (
       SELECT DISTINCT ON (host, digest, vuln_id) * FROM (
         SELECT hp.host, d.digest, d.vuln_id, d.pkg_key, d.severity, d.severity_rank, d.package FROM host_pairs hp JOIN image_news d ON d.digest = hp.digest
         UNION ALL
         SELECT host, digest, vuln_id, pkg_key, severity, severity_rank, package FROM host_news
       ) x ORDER BY host, digest, vuln_id, severity_rank DESC, pkg_key
     ), per_pair AS (
       SELECT ih.host, p.digest, p.n, p.vulns, p.top_id, p.top_pkg
       FROM per_digest p JOIN image_hosts ih ON ih.digest = p.digest
       WHERE NOT EXISTS (SELECT 1 FROM host_pairs hp WHERE hp.host = ih.host AND hp.digest = p.digest)
       UNION ALL
       SELECT host, digest, count(*)::int,
         jsonb_agg(jsonb_build_object('id', vuln_id, 'severity', severity, 'package', package) ORDER BY severity_rank DESC, vuln_id),
         (array_agg(vuln_id ORDER BY severity_rank DESC, vuln_id))[1],
         (array_agg(pkg_key ORDER BY severity_rank DESC, vuln_id))[1]
       FROM mixed GROUP BY host, digest
     ), alerted AS (
       INSERT INTO alerts (host, at, received_at, source, kind, severity, message, image, vuln_id, detail)
       SELECT p.host, $1, $1, 'rematch', 'vulnerability', top.severity,
         'image ' || coalesce(i.refs[1], p.digest) || ' running on ' || p.host || ' is newly affected by ' || p.top_id || ' (' || (top.finding->'subject'->>'name') || ')'
           || CASE WHEN p.n > 1 THEN ' and ' || (p.n - 1) || ' more' ELSE '' END,
         p.digest, p.top_id,
         jsonb_build_object('image', p.digest, 'references', to_jsonb(i.refs), 'vulnerability', top.finding->'vulnerability', 'package', top.finding->'subject'->>'name', 'vulnerabilities', p.vulns)
       FROM per_pair p JOIN package_vulns top ON top.pkg_key = p.top_pkg AND top.vuln_id = p.top_id JOIN images i ON i.digest = p.digest
       ORDER BY p.host, p.digest
       RETURNING 1
     ) SELECT count(*)::int AS n FROM alerted`;

/**
 * One batch of changed packages: their new results replace the old by difference, and
 * what is news among them is kept for the alerts of the re-match's last step.
 */
async function writeDelta(tx: Sql, part: ReadonlyArray<{ key: string; hash: string; matched: boolean }>, found: readonly VulnRow[], generation: string): Promise<void> {
  // The new results, with the package's name beside the finding: the alerts' lists read it without carrying whole findings through a sort.
  await tx.query(
    `CREATE TEMP TABLE pv_next (pkg_key text NOT NULL, vuln_id text NOT NULL, severity text NOT NULL, severity_rank integer NOT NULL, finding jsonb NOT NULL, name text,
       PRIMARY KEY (pkg_key, vuln_id)) ON COMMIT DROP`,
  );
  await tx.query('CREATE TEMP TABLE pv_changed (pkg_key text PRIMARY KEY, hash text NOT NULL, matched boolean NOT NULL) ON COMMIT DROP');
  await tx.query('CREATE TEMP TABLE pv_added (pkg_key text NOT NULL, vuln_id text NOT NULL) ON COMMIT DROP');
  await tx.query(`INSERT INTO pv_changed SELECT x.key, x.hash, x.matched FROM jsonb_to_recordset($1::jsonb) AS x(key text, hash text, matched boolean)`, [JSON.stringify(part)]);
  for (let i = 0; i < found.length; i += CHUNK) {
    await tx.query(
      `INSERT INTO pv_next SELECT x.key, x.id, x.severity, x.rank, x.finding, x.finding->'subject'->>'name'
       FROM jsonb_to_recordset($1::jsonb) AS x(key text, id text, severity text, rank int, finding jsonb) ON CONFLICT DO NOTHING`,
      [JSON.stringify(found.slice(i, i + CHUNK))],
    );
  }
  // Temporary tables have no statistics until analyzed: the joins below would be planned blind.
  await tx.query('ANALYZE pv_next, pv_changed');
  await tx.query('CREATE TEMP TABLE pv_known (vuln_id text PRIMARY KEY) ON COMMIT DROP');
  await tx.query('INSERT INTO pv_known SELECT DISTINCT n.vuln_id FROM pv_next n WHERE EXISTS (SELECT 1 FROM package_vulns o WHERE o.vuln_id = n.vuln_id)');
  await tx.query(
    `WITH ins AS (INSERT INTO package_vulns SELECT pkg_key, vuln_id, severity, severity_rank, finding FROM pv_next ON CONFLICT (pkg_key, vuln_id) DO NOTHING RETURNING pkg_key, vuln_id)
     INSERT INTO pv_added SELECT * FROM ins`,
  );
  // The news first, while host_vulns still holds what each image had before (and before any old row is deleted below:
  // a vulnerability moving from one package of an image to another is no news either).
  await tx.query('ANALYZE pv_known, pv_added');
  await tx.query(NEWS_PKG_SQL, [generation]);
  await tx.query(NEWS_HOST_SQL, [generation]);
  await tx.query(PLACE_SQL);
  // Gone: results a changed package no longer has, and the rows of hosts running them (few: looked up by vulnerability id).
  const gone = await tx.query<{ pkg_key: string; vuln_id: string }>(
    `DELETE FROM package_vulns o USING pv_changed c WHERE o.pkg_key = c.pkg_key
       AND NOT EXISTS (SELECT 1 FROM pv_next n WHERE n.pkg_key = o.pkg_key AND n.vuln_id = o.vuln_id)
     RETURNING o.pkg_key, o.vuln_id`,
  );
  if (gone.length > 0) {
    await tx.query(`DELETE FROM host_vulns hv USING jsonb_to_recordset($1::jsonb) AS g(pkg_key text, vuln_id text) WHERE hv.vuln_id = g.vuln_id AND hv.pkg_key = g.pkg_key`, [
      JSON.stringify(gone),
    ]);
  }
  // Kept but changed (an advisory's severity or text): updated in place; host rows follow the severity.
  const changed = await tx.query<{ pkg_key: string; vuln_id: string; severity: string; severity_rank: number }>(
    `UPDATE package_vulns o SET severity = n.severity, severity_rank = n.severity_rank, finding = n.finding FROM pv_next n
     WHERE o.pkg_key = n.pkg_key AND o.vuln_id = n.vuln_id AND (o.severity IS DISTINCT FROM n.severity OR o.finding IS DISTINCT FROM n.finding)
     RETURNING o.pkg_key, o.vuln_id, o.severity, o.severity_rank`,
  );
  if (changed.length > 0) {
    await tx.query(
      `UPDATE host_vulns hv SET severity = u.severity, severity_rank = u.severity_rank FROM jsonb_to_recordset($1::jsonb) AS u(pkg_key text, vuln_id text, severity text, severity_rank int)
       WHERE hv.vuln_id = u.vuln_id AND hv.pkg_key = u.pkg_key AND hv.severity_rank IS DISTINCT FROM u.severity_rank`,
      [JSON.stringify(changed)],
    );
  }
  await tx.query(`UPDATE packages p SET matched_generation = $1, vulns_hash = c.hash FROM pv_changed c WHERE p.pkg_key = c.pkg_key`, [generation]);
}
