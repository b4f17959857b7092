/**
 * The read side of the vulnerability database: candidates for one package, and the
 * facts `moat db status` and the scan's age warning report.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AdvisoryRow, StoredRange, StoredSeverity } from '../osv/normalize.ts';
import { MoatError } from '../../../util/errors.ts';
import { openDatabase } from './database.ts';

export interface Candidate {
  /** The advisory's row, for `VulnDatabase.advisory`: read only when the entry matches. */
  advisory: number;
  ecosystem: string;
  ranges: StoredRange[];
  /** The entry's `versions` list, sorted by the scheme (see `sortedVersions`), parsed on first use. */
  versions(): string[] | undefined;
  /** The entry's own severities, parsed on first use. */
  severity(): StoredSeverity[];
}

/** Methods on the prototype, not closures per row: a scan reads thousands of rows. */
class CandidateRow implements Candidate {
  readonly advisory: number;
  readonly ecosystem: string;
  readonly ranges: StoredRange[];
  private readonly versionsText: string | null;
  private readonly severityText: string | null;

  constructor(advisory: number, ecosystem: string, ranges: StoredRange[], versionsText: string | null, severityText: string | null) {
    this.advisory = advisory;
    this.ecosystem = ecosystem;
    this.ranges = ranges;
    this.versionsText = versionsText;
    this.severityText = severityText;
  }

  versions(): string[] | undefined {
    return this.versionsText === null ? undefined : (JSON.parse(this.versionsText) as string[]);
  }

  severity(): StoredSeverity[] {
    return this.severityText === null ? [] : (JSON.parse(this.severityText) as StoredSeverity[]);
  }
}

/** An OSV package: its ecosystem and its normalised name. */
export interface PackageName {
  ecosystem: string;
  name: string;
}

const ADVISORY_CACHE = 100_000;
const LOOKUP_CHUNK = 256;

function advisoryOf(id: string, modified: string, data: string): AdvisoryRow {
  return { id, modified, ...(JSON.parse(data) as Omit<AdvisoryRow, 'id' | 'modified'>) };
}

export interface SourceInfo {
  name: string;
  kind: 'import' | 'update';
  location: string;
  etag?: string;
  lastModified?: string;
  importedAt: string;
  /** When the source's data was current (download time, or its newest record). */
  dataTime?: string;
  records: number;
  skipped: number;
  withdrawn: number;
}

export interface DatabaseStatus {
  file: string;
  sizeBytes: number;
  createdAt?: string;
  updatedAt?: string;
  advisories: number;
  /** Advisories per OSV ecosystem (`Debian:12`), sorted by name. */
  ecosystems: Array<{ ecosystem: string; advisories: number }>;
  sources: SourceInfo[];
  /** The oldest source's data time: how stale the database is at worst. */
  dataTime?: string;
}

export class VulnDatabase {
  readonly file: string;
  private readonly db: DatabaseSync;
  private readonly byPackages: StatementSync;
  private readonly byRow: StatementSync;
  private readonly byRows: StatementSync;
  private readonly advisoryCache = new Map<number, AdvisoryRow>();

  private constructor(file: string, db: DatabaseSync) {
    this.file = file;
    this.db = db;
    this.byRow = db.prepare('SELECT id, modified, data FROM advisories WHERE rowid = ?');
    // Rows in primary-key order per package, as the one-package statement gave them:
    // the order of hits decides a finding's summary and links.
    this.byPackages = db.prepare(
      `SELECT j.key, a.advisory, a.ranges, a.versions, a.severity FROM json_each(?) j
       CROSS JOIN affected a ON a.ecosystem = j.value ->> 0 AND a.name = j.value ->> 1
       ORDER BY j.key, a.advisory, a.seq`,
    );
    this.byPackages.setReturnArrays(true);
    this.byRows = db.prepare('SELECT rowid, id, modified, data FROM advisories WHERE rowid IN (SELECT value FROM json_each(?))');
    this.byRows.setReturnArrays(true);
  }

  /** @throws MoatError (config) when there is no usable database at `file`. */
  static open(file: string): VulnDatabase {
    const db = openDatabase(file);
    try {
      // Matching reads a few rows from all over the file: mapped pages spare a read() each.
      db.exec('PRAGMA mmap_size = 4294967296; PRAGMA cache_size = -32768');
      return new VulnDatabase(file, db);
    } catch (e) {
      db.close();
      throw new MoatError('config', `${file}: not a usable Moat vulnerability database (${(e as Error).message}): rebuild it with \`moat db update\` or \`moat db import --replace\``);
    }
  }

  close(): void {
    this.db.close();
  }

  /** Every affected entry naming `name` in `ecosystem`. */
  candidates(ecosystem: string, name: string): Candidate[] {
    const out: Candidate[] = [];
    this.eachCandidate([{ ecosystem, name }], (_, c) => out.push(c));
    return out;
  }

  /**
   * Calls `each` with every affected entry naming one of `names` (and the index of that
   * name), each name's entries in primary-key order. Names are looked up a chunk per
   * statement: a statement per package cost more than reading its rows, and one chunk's
   * rows are garbage before the next chunk is read, so memory stays small.
   */
  eachCandidate(names: readonly PackageName[], each: (index: number, candidate: Candidate) => void): void {
    for (let start = 0; start < names.length; start += LOOKUP_CHUNK) {
      const chunk = names.slice(start, start + LOOKUP_CHUNK);
      const rows = this.byPackages.all(JSON.stringify(chunk.map((n) => [n.ecosystem, n.name]))) as unknown as Array<[number, number, string, string | null, string | null]>;
      // Indexed, not destructured: array destructuring runs the iterator protocol per row.
      for (const r of rows) {
        const i = r[0];
        each(start + i, new CandidateRow(r[1], (chunk[i] as PackageName).ecosystem, JSON.parse(r[2]) as StoredRange[], r[3], r[4]));
      }
    }
  }

  /** Reads the advisories of `rowids` into the cache `advisory` answers from, in one query. */
  loadAdvisories(rowids: Iterable<number>): void {
    const missing = [...new Set(rowids)].filter((r) => !this.advisoryCache.has(r));
    if (missing.length === 0) return;
    if (this.advisoryCache.size + missing.length > ADVISORY_CACHE) this.advisoryCache.clear();
    for (const [rowid, id, modified, data] of this.byRows.all(JSON.stringify(missing)) as unknown as Array<[number, string, string, string]>) {
      this.advisoryCache.set(rowid, advisoryOf(id, modified, data));
    }
  }

  /** The advisory of a candidate (cached: one advisory names many packages). */
  advisory(rowid: number): AdvisoryRow {
    let advisory = this.advisoryCache.get(rowid);
    if (advisory === undefined) {
      const r = this.byRow.get(rowid) as { id: string; modified: string; data: string };
      advisory = advisoryOf(r.id, r.modified, r.data);
      if (this.advisoryCache.size >= ADVISORY_CACHE) this.advisoryCache.clear();
      this.advisoryCache.set(rowid, advisory);
    }
    return advisory;
  }

  sources(): SourceInfo[] {
    const rows = this.db.prepare('SELECT * FROM sources ORDER BY name').all() as Array<Record<string, string | number | null>>;
    return rows.map((r) => ({
      name: String(r['name']),
      kind: r['kind'] === 'update' ? 'update' : 'import',
      location: String(r['location']),
      ...(r['etag'] != null ? { etag: String(r['etag']) } : {}),
      ...(r['last_modified'] != null ? { lastModified: String(r['last_modified']) } : {}),
      importedAt: String(r['imported_at']),
      ...(r['data_time'] != null ? { dataTime: String(r['data_time']) } : {}),
      records: Number(r['records']),
      skipped: Number(r['skipped']),
      withdrawn: Number(r['withdrawn']),
    }));
  }

  status(sizeBytes: number): DatabaseStatus {
    const meta = new Map((this.db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    const advisories = Number((this.db.prepare('SELECT COUNT(*) AS n FROM advisories').get() as { n: number }).n);
    const ecosystems = (this.db.prepare('SELECT ecosystem, COUNT(DISTINCT advisory) AS n FROM affected GROUP BY ecosystem ORDER BY ecosystem').all() as Array<{ ecosystem: string; n: number }>).map(
      (r) => ({ ecosystem: r.ecosystem, advisories: Number(r.n) }),
    );
    const sources = this.sources();
    const dataTime = oldestDataTime(sources);
    return {
      file: this.file,
      sizeBytes,
      ...(meta.has('created_at') ? { createdAt: meta.get('created_at') } : {}),
      ...(meta.has('updated_at') ? { updatedAt: meta.get('updated_at') } : {}),
      advisories,
      ecosystems,
      sources,
      ...(dataTime !== undefined ? { dataTime } : {}),
    };
  }

  /**
   * What `staleWarning` needs, without the counts `status` makes (a scan of the whole
   * `affected` table: seconds on a full database, for every scan).
   */
  freshness(): Pick<DatabaseStatus, 'file' | 'dataTime'> {
    const dataTime = oldestDataTime(this.sources());
    return dataTime !== undefined ? { file: this.file, dataTime } : { file: this.file };
  }
}

function oldestDataTime(sources: readonly SourceInfo[]): string | undefined {
  return sources.map((s) => s.dataTime).filter((t): t is string => t !== undefined).sort()[0];
}

/**
 * The warning a scan prints when the data is older than `maxAgeDays`, or undefined.
 * Age is counted from the oldest source's data time.
 */
export function staleWarning(status: Pick<DatabaseStatus, 'file' | 'dataTime'>, maxAgeDays: number, now: Date): string | undefined {
  if (status.dataTime === undefined) return `${status.file}: the database records no data time; run \`moat db update\``;
  const t = Date.parse(status.dataTime);
  if (Number.isNaN(t)) return `${status.file}: unreadable data time ${JSON.stringify(status.dataTime)}; run \`moat db update\``;
  const days = (now.getTime() - t) / 86_400_000;
  if (days <= maxAgeDays) return undefined;
  return `the vulnerability database is ${Math.floor(days)} days old (older than ${maxAgeDays}): findings may be missing; run \`moat db update\``;
}
