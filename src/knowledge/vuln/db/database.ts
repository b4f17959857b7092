/**
 * The vulnerability database: one SQLite file (Node's built-in `node:sqlite`) holding
 * OSV advisories reduced for matching, the affected packages indexed by (ecosystem,
 * name), and where each part came from.
 *
 * It is only ever written as a new file beside the current one and renamed over it
 * (`build`), so a reader never sees a half-written database and an interrupted import
 * or update leaves the previous one in place.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MoatError } from '../../../util/errors.ts';
import { isRunning } from '../../../util/process-alive.ts';

/**
 * Bumped when the tables change: an older or newer file is rebuilt, not misread.
 * 3: `affected.ranges` holds events ordered by the ecosystem's scheme (osv/normalize.ts).
 */
export const DB_SCHEMA = 3;

const SCHEMA_SQL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
  name TEXT PRIMARY KEY, kind TEXT NOT NULL, location TEXT NOT NULL,
  etag TEXT, last_modified TEXT, imported_at TEXT NOT NULL, data_time TEXT,
  records INTEGER NOT NULL, skipped INTEGER NOT NULL, withdrawn INTEGER NOT NULL
);
CREATE TABLE advisories (
  rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT NOT NULL,
  modified TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX advisories_source ON advisories (source);
-- Clustered by package, so the candidates of one package sit on one or two pages:
-- matching reads half the pages it read through a secondary index.
CREATE TABLE affected (
  ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory INTEGER NOT NULL, seq INTEGER NOT NULL,
  -- JSON each, read only as far as matching needs: ranges always (events already in the
  -- scheme's order, see StoredRange), versions when no range matched (sorted by the
  -- scheme, for a binary search), severity on a match.
  ranges TEXT NOT NULL, versions TEXT, severity TEXT,
  PRIMARY KEY (ecosystem, name, advisory, seq)
) WITHOUT ROWID;
CREATE INDEX affected_advisory ON affected (advisory);
`;

/** The message every command gives when there is no database yet. */
export function noDatabaseMessage(file: string): string {
  return `no vulnerability database at ${file}: run \`moat db update\` to download OSV data, or \`moat db import FILE...\` with OSV all.zip files on an offline machine`;
}

/**
 * Opens the database for reading.
 * @throws MoatError (config) when the file is missing, is not a Moat database, or was
 *   built by a Moat with another schema.
 */
export function openDatabase(file: string): DatabaseSync {
  if (!existsSync(file)) throw new MoatError('config', noDatabaseMessage(file));
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
    if (row === undefined || Number(row.value) !== DB_SCHEMA) {
      db.close();
      throw new MoatError('config', `${file}: database schema ${row?.value ?? 'unknown'}, this Moat reads schema ${DB_SCHEMA}: rebuild it with \`moat db update\` or \`moat db import --replace\``);
    }
  } catch (e) {
    if (e instanceof MoatError) throw e;
    throw new MoatError('config', `${file}: not a Moat vulnerability database (${(e as Error).message}): remove it and run \`moat db update\``);
  }
  return db;
}

export interface BuildOptions {
  /** Start from an empty database instead of a copy of the current one. */
  replace?: boolean;
}

/**
 * Builds a new database beside `file` and renames it over `file` when `work` succeeds.
 * `work` starts from a copy of the current database (or an empty one with `replace`),
 * inside one transaction; whatever it throws leaves `file` as it was.
 */
export async function buildDatabase<T>(file: string, options: BuildOptions, work: (db: DatabaseSync) => Promise<T>): Promise<T> {
  const dir = path.dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new MoatError('config', `cannot create the database directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  removeStaleBuilds(file);
  const tmp = `${file}.build-${process.pid}-${Date.now().toString(36)}`;
  let db: DatabaseSync | undefined;
  try {
    if (!options.replace && existsSync(file)) {
      openDatabase(file).close(); // refuses a file of another schema before it is copied
      copyFileSync(file, tmp);
      db = new DatabaseSync(tmp);
    } else {
      db = new DatabaseSync(tmp);
      db.exec(SCHEMA_SQL);
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?), ('created_at', ?)").run(String(DB_SCHEMA), new Date().toISOString());
    }
    // The file is private until the rename: durability comes from the rename, not a journal.
    db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; BEGIN');
    const result = await work(db);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('updated_at', ?)").run(new Date().toISOString());
    db.exec('COMMIT');
    db.exec('PRAGMA journal_mode = DELETE');
    db.close();
    db = undefined;
    renameSync(tmp, file);
    return result;
  } catch (e) {
    try {
      db?.close();
    } catch {
      /* already closed */
    }
    rmSync(tmp, { force: true });
    if (e instanceof MoatError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      throw new MoatError('incomplete', `cannot write the database beside ${file}: ${code}; the previous database is unchanged`);
    }
    throw e;
  }
}

/** Build files left by a process that no longer runs (killed mid-import). */
function removeStaleBuilds(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.build-`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    // This process's own builds and those of a run still going are not stale.
    if (pid === process.pid || (Number.isInteger(pid) && pid > 0 && isRunning(pid))) continue;
    const full = path.join(dir, name);
    try {
      if (statSync(full).isFile()) rmSync(full, { force: true });
    } catch {
      /* removed meanwhile */
    }
  }
}
