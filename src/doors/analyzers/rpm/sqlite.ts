import { DatabaseSync } from 'node:sqlite';

/** The first 16 bytes of every SQLite 3 database. */
export function isSqlite(head: Buffer): boolean {
  return head.length >= 16 && head.toString('latin1', 0, 16) === 'SQLite format 3\0';
}

export class SqliteRpmdbError extends Error {
  override readonly name = 'SqliteRpmdbError';
}

/**
 * The header blobs of rpm's sqlite backend (RHEL 9, Fedora 33+, Amazon Linux 2023,
 * Mariner): `Packages (hnum INTEGER PRIMARY KEY, blob BLOB)`. `path` is Moat's private
 * copy (with the WAL beside it when the image has one, so committed transactions not yet
 * checkpointed are seen), opened read-only.
 */
export function* sqliteBlobs(path: string): Generator<{ index: number; blob: Buffer }> {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (e) {
    throw new SqliteRpmdbError(`it cannot be opened as SQLite (${(e as Error).message})`);
  }
  try {
    const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'Packages'").get() as { sql?: string } | undefined;
    if (!table) throw new SqliteRpmdbError('it has no Packages table: it is not an rpm database');
    for (const row of db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate() as Iterable<{ hnum: unknown; blob: unknown }>) {
      if (!(row.blob instanceof Uint8Array)) throw new SqliteRpmdbError(`row ${String(row.hnum)} of Packages holds ${typeof row.blob}, not a header blob`);
      yield { index: Number(row.hnum), blob: Buffer.from(row.blob.buffer, row.blob.byteOffset, row.blob.byteLength) };
    }
  } catch (e) {
    if (e instanceof SqliteRpmdbError) throw e;
    throw new SqliteRpmdbError(`reading it failed (${(e as Error).message})`);
  } finally {
    db.close();
  }
}
