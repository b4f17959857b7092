/**
 * Versioned schema. Each migration runs once, in order, in a transaction, and records its
 * number in moat_schema. A server never migrates a database that holds data on its own:
 * an older schema is refused with the command that migrates it, so an upgrade is a step
 * someone chose (and took a backup before); an empty database is set up on first start.
 */
import { MoatError } from '../util/errors.ts';
import type { Store } from './store.ts';

const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'hosts, reports, findings, images, tokens, alerts',
    sql: `
CREATE TABLE tokens (
  id text PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('admin', 'agent', 'viewer')),
  host text,
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  rate_per_minute integer NOT NULL DEFAULT 600,
  max_body_bytes bigint NOT NULL DEFAULT 67108864
);
CREATE TABLE write_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  token_id text,
  role text,
  action text NOT NULL,
  target text,
  status integer NOT NULL,
  detail jsonb
);
CREATE TABLE hosts (
  name text PRIMARY KEY,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  last_report text NOT NULL,
  daemon_version text,
  agent_version text,
  by_severity jsonb NOT NULL,
  containers integer NOT NULL DEFAULT 0
);
CREATE TABLE reports (
  id text PRIMARY KEY,
  host text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  agent_version text,
  token_id text,
  audit jsonb NOT NULL
);
CREATE INDEX reports_host ON reports (host, received_at DESC);
CREATE TABLE containers (
  host text NOT NULL,
  id text NOT NULL,
  name text,
  image text,
  image_digest text,
  state text,
  last_report text NOT NULL,
  last_seen timestamptz NOT NULL,
  PRIMARY KEY (host, id)
);
CREATE TABLE findings (
  host text NOT NULL,
  fingerprint text NOT NULL,
  rule_id text NOT NULL,
  severity text NOT NULL,
  severity_rank integer NOT NULL,
  subject_kind text NOT NULL,
  subject_id text NOT NULL,
  subject_name text,
  finding jsonb NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  last_report text NOT NULL,
  closed_at timestamptz,
  PRIMARY KEY (host, fingerprint)
);
CREATE INDEX findings_open ON findings (severity_rank DESC, host, fingerprint) WHERE closed_at IS NULL;
CREATE INDEX findings_rule ON findings (rule_id) WHERE closed_at IS NULL;
CREATE INDEX findings_host ON findings (host, severity_rank DESC, fingerprint) WHERE closed_at IS NULL;
CREATE TABLE finding_events (
  host text NOT NULL,
  fingerprint text NOT NULL,
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('opened', 'closed'))
);
CREATE INDEX finding_events_host ON finding_events (host, at);
CREATE TABLE images (
  digest text PRIMARY KEY,
  refs text[] NOT NULL DEFAULT '{}',
  layers text[] NOT NULL DEFAULT '{}',
  first_seen timestamptz NOT NULL DEFAULT now(),
  inventory jsonb,
  inventory_at timestamptz,
  matched_generation text
);
CREATE TABLE image_hosts (
  digest text NOT NULL,
  host text NOT NULL,
  last_report text NOT NULL,
  last_seen timestamptz NOT NULL,
  PRIMARY KEY (digest, host)
);
CREATE INDEX image_hosts_host ON image_hosts (host);
-- One row per distinct package (its matching identity): an advisory is evaluated once
-- for every image that holds the package.
CREATE TABLE packages (
  pkg_key text PRIMARY KEY,
  os jsonb,
  pkg jsonb NOT NULL,
  matched_generation text
);
CREATE TABLE image_packages (
  digest text NOT NULL,
  pkg_key text NOT NULL,
  purl text NOT NULL,
  found_in text NOT NULL,
  layer text
);
CREATE INDEX image_packages_digest ON image_packages (digest, pkg_key);
CREATE INDEX image_packages_key ON image_packages (pkg_key);
CREATE TABLE package_vulns (
  pkg_key text NOT NULL,
  vuln_id text NOT NULL,
  severity text NOT NULL,
  severity_rank integer NOT NULL,
  finding jsonb NOT NULL,
  PRIMARY KEY (pkg_key, vuln_id)
);
CREATE INDEX package_vulns_id ON package_vulns (vuln_id);
-- The vulnerabilities each host runs (image, package, vulnerability), kept in step with
-- image_hosts and package_vulns, so a fleet-wide findings page is an index scan.
CREATE TABLE host_vulns (
  host text NOT NULL,
  id text NOT NULL,
  digest text NOT NULL,
  pkg_key text NOT NULL,
  vuln_id text NOT NULL,
  severity text NOT NULL,
  severity_rank integer NOT NULL,
  first_seen timestamptz NOT NULL,
  PRIMARY KEY (host, id)
);
CREATE INDEX host_vulns_order ON host_vulns (severity_rank DESC, host, id);
CREATE INDEX host_vulns_host ON host_vulns (host, severity_rank DESC, id);
CREATE INDEX host_vulns_vuln ON host_vulns (vuln_id, severity_rank DESC, host, id);
CREATE INDEX host_vulns_digest ON host_vulns (digest);
CREATE TABLE vuln_state (
  id integer PRIMARY KEY CHECK (id = 1),
  generation text NOT NULL,
  matched_at timestamptz NOT NULL,
  packages integer NOT NULL,
  duration_ms integer NOT NULL
);
CREATE TABLE alerts (
  id bigserial PRIMARY KEY,
  host text NOT NULL,
  at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL CHECK (source IN ('watch', 'rematch')),
  kind text NOT NULL,
  severity text NOT NULL,
  message text NOT NULL,
  image text,
  vuln_id text,
  detail jsonb NOT NULL
);
CREATE INDEX alerts_at ON alerts (received_at, id);
CREATE TABLE alert_batches (
  id text PRIMARY KEY,
  host text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  count integer NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'triage and job runs',
    sql: `
CREATE TABLE triage (
  id bigserial PRIMARY KEY,
  scope text NOT NULL CHECK (scope IN ('host', 'image', 'repository')),
  target text NOT NULL,
  rule_id text,
  vuln_id text,
  reason text NOT NULL,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL
);
CREATE TABLE job_runs (
  id bigserial PRIMARY KEY,
  job_id text NOT NULL,
  queue text NOT NULL,
  key text,
  worker text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 3,
    name: 'incremental re-match',
    sql: `
-- A digest of each package's match results: a re-match writes only the packages whose results changed.
ALTER TABLE packages ADD COLUMN vulns_hash text;
-- The findings query's filters by CVE alias and by image reference, by index rather than by reading every row.
CREATE INDEX package_vulns_ids ON package_vulns USING gin ((finding->'vulnerability'->'ids'));
CREATE INDEX images_refs ON images USING gin (refs);
-- What a re-match found new on a running image, batch by batch, until its last step makes them alerts (kept across a restart).
CREATE TABLE rematch_news (
  generation text NOT NULL,
  host text NOT NULL,
  digest text NOT NULL,
  vuln_id text NOT NULL,
  pkg_key text NOT NULL,
  severity text NOT NULL,
  severity_rank integer NOT NULL,
  package text
);
`,
  },
  {
    version: 4,
    name: 'container configuration and image signature verdicts',
    sql: `
-- The security-relevant part of each container's configuration, as the agent read it (null from older agents).
ALTER TABLE containers ADD COLUMN config jsonb;
-- The signature verdict for an image under one host's trust policy (policies are per host), null when the agent did not say.
ALTER TABLE image_hosts ADD COLUMN signature jsonb;
`,
  },
  {
    version: 5,
    name: 're-match news per package',
    sql: `
-- What a re-match found new for a vulnerability new to the database, once per package (which
-- images and hosts it reaches is a join when the alerts are raised), rather than once per host,
-- image and vulnerability: the re-match then writes rows in proportion to packages, not to the fleet.
CREATE TABLE rematch_news_pkg (
  generation text NOT NULL,
  pkg_key text NOT NULL,
  vuln_id text NOT NULL,
  severity text NOT NULL,
  severity_rank integer NOT NULL,
  package text,
  PRIMARY KEY (pkg_key, vuln_id)
);
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export async function schemaVersion(store: Store): Promise<number | undefined> {
  const exists = await store.query<{ t: string | null }>(`SELECT to_regclass('public.moat_schema')::text AS t`);
  if (exists[0]?.t == null) return undefined;
  const rows = await store.query<{ v: number | null }>('SELECT max(version)::int AS v FROM moat_schema');
  return rows[0]?.v ?? 0;
}

/** Applies every migration newer than the database's schema; returns the versions applied. */
export async function migrate(store: Store, upTo = SCHEMA_VERSION): Promise<number[]> {
  await store.exec('CREATE TABLE IF NOT EXISTS moat_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version > upTo) break;
    const done = await store.transaction(async (tx) => {
      // Two servers starting at once on one PostgreSQL: the lock makes the second wait, then skip.
      await tx.query('LOCK TABLE moat_schema IN EXCLUSIVE MODE');
      const have = await tx.query('SELECT 1 FROM moat_schema WHERE version = $1', [m.version]);
      if (have.length > 0) return false;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO moat_schema (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

/** Refuses a database whose schema is older or newer than this server's; sets up an empty one. */
export async function ensureSchema(store: Store, migrateCommand: string): Promise<void> {
  const version = await schemaVersion(store);
  if (version === undefined || version === 0) {
    await migrate(store);
    return;
  }
  if (version < SCHEMA_VERSION) {
    throw new MoatError('config', `serve: the database at ${store.where} has schema version ${version}, this server needs ${SCHEMA_VERSION}: back it up, then run \`${migrateCommand}\``);
  }
  if (version > SCHEMA_VERSION) {
    throw new MoatError('config', `serve: the database at ${store.where} has schema version ${version}, newer than this server's ${SCHEMA_VERSION}: run a moat release that knows it`);
  }
}

/** The migrations hold no semicolons inside statements: splitting on them is enough. */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s !== '');
}
