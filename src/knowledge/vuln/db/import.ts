/**
 * `moat db import`: OSV records from files, directories and all.zip archives into a new
 * database built beside the current one. Each path is one source: importing it again
 * replaces what it brought before, and leaves the other sources alone.
 */
import path from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { MoatError } from '../../../util/errors.ts';
import type { WorkerMessage } from './import-worker.ts';
import type { Prepared } from './prepare.ts';
import { buildDatabase } from './database.ts';
import { DEFAULT_LIMITS, type ReadLimits } from './read.ts';

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
      await writer.readInWorker(location, limits, options.onProgress);
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

  skip(reason: string, where: string): void {
    this.stats.skipped++;
    this.count(reason);
    if (this.stats.examples.length < MAX_EXAMPLES) this.stats.examples.push(`${where}: ${reason}`);
  }

  private count(reason: string): void {
    this.stats.reasons[reason] = (this.stats.reasons[reason] ?? 0) + 1;
  }

  /** Stores one prepared record: the newest `modified` wins; a withdrawn record removes an older copy. */
  store(p: Prepared, where: string): void {
    if ('skip' in p) return this.skip(p.skip, where);
    if (this.stats.newest === undefined || p.modified > this.stats.newest) this.stats.newest = p.modified;
    const existing = this.find.get(p.id) as { rowid: number; modified: string } | undefined;
    if (existing !== undefined && existing.modified >= p.modified) {
      this.stats.duplicates++;
      return;
    }
    if (existing !== undefined) {
      this.deleteAffected.run(existing.rowid);
      this.deleteAdvisory.run(existing.rowid);
    }
    if (p.withdrawn) {
      this.stats.withdrawn++;
      return;
    }
    for (const reason of p.dropped) {
      this.stats.dropped++;
      // Counted by kind, without the package name, so the summary stays short.
      this.count(reason.replace(/^[^:]*: /, ''));
    }
    const { lastInsertRowid } = this.insertAdvisory.run(p.id, this.stats.source, p.modified, p.advisory);
    p.affected.forEach(([ecosystem, name, ranges, versions, severity], seq) => {
      this.insertAffected.run(ecosystem, name, lastInsertRowid, seq, ranges, versions, severity);
    });
    this.stats.records++;
  }

  /**
   * Reads `file` on a worker thread, which parses and reduces the records while this
   * thread stores them: the two halves of an import cost about the same, and a machine
   * has two cores at least. Errors of the source arrive as the MoatError it threw.
   */
  async readInWorker(file: string, limits: ReadLimits, onProgress?: (done: number, where: string) => void): Promise<void> {
    const written = new SharedArrayBuffer(4);
    const counter = new Int32Array(written);
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const worker = new Worker(new URL(`./import-worker.${ext}`, import.meta.url), { workerData: { file, limits, written } });
    let seen = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        worker.on('message', (m: WorkerMessage) => {
          if (m.type === 'batch') {
            try {
              for (const item of m.items) {
                this.store(item.prepared, item.where);
                if (onProgress !== undefined && ++seen % 5000 === 0) onProgress(seen, item.where);
              }
            } catch (e) {
              return reject(e);
            }
            Atomics.add(counter, 0, 1);
            Atomics.notify(counter, 0);
          } else if (m.type === 'done') resolve();
          else reject(m.kind === 'internal' ? new Error(m.message) : new MoatError(m.kind, m.message));
        });
        worker.on('error', reject);
        worker.on('exit', (code) => reject(new Error(`the import worker stopped (exit ${code})`)));
      });
    } finally {
      await worker.terminate();
    }
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
