/**
 * `moat db import`: OSV records from files, directories and all.zip archives into a new
 * database built beside the current one. Each path is one source: importing it again
 * replaces what it brought before, and leaves the other sources alone.
 */
import path from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { parseRecord } from '../osv/schema.ts';
import { normalizeRecord } from '../osv/normalize.ts';
import { buildDatabase } from './database.ts';
import { DEFAULT_LIMITS, readSource, type ReadLimits } from './read.ts';

export interface ImportOptions {
  /** Start from an empty database instead of adding to the current one. */
  replace?: boolean;
  limits?: Partial<ReadLimits>;
  /** Called every few thousand records, for progress output. */
  onProgress?: (done: number, where: string) => void;
}

/** What one source contributed and what it could not. */
export interface SourceStats {
  source: string;
  /** Records stored. */
  records: number;
  /** Withdrawn records: not stored, and they remove an older copy. */
  withdrawn: number;
  /** Records already present with the same or a newer `modified`. */
  duplicates: number;
  /** Records skipped whole, by reason. */
  skipped: number;
  /** Parts of stored records left out (a range of an unknown type, an invalid version), by reason. */
  dropped: number;
  /** Reason → count, for skipped records and dropped parts alike. */
  reasons: Record<string, number>;
  /** The first few skipped records, located, for the user to look at. */
  examples: string[];
  /** The newest `modified` among the source's records: how current its data is. */
  newest?: string;
}

export interface ImportResult {
  file: string;
  sources: SourceStats[];
}

const MAX_EXAMPLES = 5;

/** Imports `paths` into the database at `file`, one source each. */
export async function importPaths(file: string, paths: readonly string[], options: ImportOptions = {}): Promise<ImportResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const sources = await buildDatabase(file, { replace: options.replace }, async (db) => {
    const out: SourceStats[] = [];
    for (const p of paths) {
      const location = path.resolve(p);
      const writer = new SourceWriter(db, `import:${location}`);
      writer.begin();
      await readSource(location, limits, writer.sink(options.onProgress));
      out.push(writer.finish({ kind: 'import', location }));
    }
    return out;
  });
  return { file, sources };
}

export interface SourceMeta {
  kind: 'import' | 'update';
  location: string;
  etag?: string;
  lastModified?: string;
  /** When the data was current; defaults to the newest record's `modified`. */
  dataTime?: string;
}

/**
 * Writes one source's records inside a database being built: removes what the source
 * brought before, stores each record once (the newest `modified` wins when sources
 * overlap) and counts everything it could not store.
 */
export class SourceWriter {
  readonly stats: SourceStats;
  private readonly db: DatabaseSync;
  private readonly find: StatementSync;
  private readonly insertAdvisory: StatementSync;
  private readonly insertAffected: StatementSync;
  private readonly deleteAdvisory: StatementSync;
  private readonly deleteAffected: StatementSync;

  constructor(db: DatabaseSync, source: string) {
    this.db = db;
    this.stats = { source, records: 0, withdrawn: 0, duplicates: 0, skipped: 0, dropped: 0, reasons: {}, examples: [] };
    this.find = db.prepare('SELECT rowid, modified FROM advisories WHERE id = ?');
    this.insertAdvisory = db.prepare('INSERT INTO advisories (id, source, modified, data) VALUES (?, ?, ?, ?)');
    this.insertAffected = db.prepare('INSERT INTO affected (ecosystem, name, advisory, seq, ranges, versions, severity) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.deleteAdvisory = db.prepare('DELETE FROM advisories WHERE rowid = ?');
    this.deleteAffected = db.prepare('DELETE FROM affected WHERE advisory = ?');
  }

  /** Forgets what this source stored before. */
  begin(): void {
    const source = this.stats.source;
    this.db.prepare('DELETE FROM affected WHERE advisory IN (SELECT rowid FROM advisories WHERE source = ?)').run(source);
    this.db.prepare('DELETE FROM advisories WHERE source = ?').run(source);
  }

  sink(onProgress?: (done: number, where: string) => void): { record(text: string, where: string): void; skip(reason: string, where: string): void } {
    let seen = 0;
    const tick = (where: string): void => {
      if (onProgress !== undefined && ++seen % 5000 === 0) onProgress(seen, where);
    };
    return {
      record: (text, where) => {
        this.add(text, where);
        tick(where);
      },
      skip: (reason, where) => {
        this.skip(reason, where);
        tick(where);
      },
    };
  }

  skip(reason: string, where: string): void {
    this.stats.skipped++;
    this.count(reason);
    if (this.stats.examples.length < MAX_EXAMPLES) this.stats.examples.push(`${where}: ${reason}`);
  }

  private count(reason: string): void {
    this.stats.reasons[reason] = (this.stats.reasons[reason] ?? 0) + 1;
  }

  /** Parses, checks, reduces and stores one record's text. */
  add(text: string, where: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return this.skip(`invalid JSON (${(e as Error).message.slice(0, 80)})`, where);
    }
    const parsed = parseRecord(value);
    if ('error' in parsed) return this.skip(`not an OSV record: ${parsed.error}`, where);
    const record = parsed.record;
    if (this.stats.newest === undefined || record.modified > this.stats.newest) this.stats.newest = record.modified;

    const existing = this.find.get(record.id) as { rowid: number; modified: string } | undefined;
    if (existing !== undefined && existing.modified >= record.modified) {
      this.stats.duplicates++;
      return;
    }
    if (existing !== undefined) {
      this.deleteAffected.run(existing.rowid);
      this.deleteAdvisory.run(existing.rowid);
    }
    if (record.withdrawn !== undefined) {
      this.stats.withdrawn++;
      return;
    }
    const normalized = normalizeRecord(record);
    for (const reason of normalized.dropped) {
      this.stats.dropped++;
      // Counted by kind, without the package name, so the summary stays short.
      this.count(reason.replace(/^[^:]*: /, ''));
    }
    const { id, modified, ...rest } = normalized.advisory;
    const { lastInsertRowid } = this.insertAdvisory.run(id, this.stats.source, modified, JSON.stringify(rest));
    normalized.affected.forEach((a, seq) => {
      this.insertAffected.run(
        a.ecosystem,
        a.name,
        lastInsertRowid,
        seq,
        JSON.stringify(a.ranges),
        a.versions !== undefined ? JSON.stringify(a.versions) : null,
        a.severity.length > 0 ? JSON.stringify(a.severity) : null,
      );
    });
    this.stats.records++;
  }

  /** Records the source and returns its statistics. */
  finish(meta: SourceMeta): SourceStats {
    const s = this.stats;
    this.db
      .prepare(
        `INSERT OR REPLACE INTO sources (name, kind, location, etag, last_modified, imported_at, data_time, records, skipped, withdrawn)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.source, meta.kind, meta.location, meta.etag ?? null, meta.lastModified ?? null, new Date().toISOString(), meta.dataTime ?? s.newest ?? null, s.records, s.skipped, s.withdrawn);
    return s;
  }
}
