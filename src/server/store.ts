/**
 * The server's storage: PostgreSQL either way, so one schema and one SQL serve both the
 * embedded store (PGlite, PostgreSQL compiled to WebAssembly, under --data) and a real
 * server (--database URL, through `pg`). Only this file knows which one it is.
 */
import { mkdirSync } from 'node:fs';
import type { PoolClient } from 'pg';
import { MoatError } from '../util/errors.ts';

export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Store extends Sql {
  readonly kind: 'embedded' | 'postgres';
  /** Where the data lives, for messages (a directory, or the URL without its password). */
  readonly where: string;
  /** Several statements at once (migrations). */
  exec(text: string): Promise<void>;
  /** All or nothing: a report is stored whole or not at all, even if the process dies half-way. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** What pg-boss needs to share this database. */
  bossOptions(): Promise<Record<string, unknown>>;
}

/** The database could not be reached: the API answers 503 with Retry-After, the agent buffers. */
export class StoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailable';
  }
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300']);

/** True for the errors that mean "the database is not there right now" rather than a bad query. */
export function isUnavailable(e: unknown): boolean {
  if (e instanceof StoreUnavailable) return true;
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(e.message);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

export async function openStore(opts: { data?: string; database?: string }): Promise<Store> {
  if (opts.database !== undefined) return openPostgres(opts.database);
  if (opts.data === undefined) throw new MoatError('usage', 'serve: give --data DIR (embedded store) or --database postgres://... (see moat serve --help)');
  return openEmbedded(opts.data);
}

const EMBEDDED_SHARED_BUFFERS = '32MB';

async function openEmbedded(dir: string): Promise<Store> {
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  let pg: InstanceType<typeof PGlite>;
  try {
    // Its WebAssembly memory only grows, and shared buffers are part of it: 32 MB, not PostgreSQL's 128 MB (the files
    // are read through the system's page cache anyway).
    pg = await PGlite.create(`${dir}/pgdata`, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`] });
  } catch (e) {
    throw new MoatError('config', `serve: cannot open the embedded store in ${dir}/pgdata: ${(e as Error).message} (is another moat serve using it?)`, { cause: e });
  }
  await pg.exec(`SET TIME ZONE 'UTC'`);
  const wrap = (q: { query: typeof pg.query }): Sql => ({
    async query<T>(text: string, params?: readonly unknown[]) {
      return (await q.query<T>(text, params as unknown[] | undefined)).rows;
    },
  });
  const base = wrap(pg);
  return {
    kind: 'embedded',
    where: dir,
    query: base.query,
    async exec(text) {
      await pg.exec(text);
    },
    async transaction(fn) {
      return pg.transaction((tx) => fn(wrap(tx)));
    },
    async close() {
      await pg.close();
    },
    async bossOptions() {
      const { fromPglite } = await import('pg-boss');
      return { backend: 'pglite', db: fromPglite(pg) };
    },
  };
}

async function openPostgres(url: string): Promise<Store> {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new MoatError('usage', `serve: --database must be a postgres:// or postgresql:// URL (got ${redactUrl(url)})`);
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 3000, options: '-c TimeZone=UTC' });
  // An idle client whose server went away emits 'error' on the pool: without a listener that would end the process.
  pool.on('error', () => {});
  const run = async <T>(client: { query: PoolClient['query'] }, text: string, params?: readonly unknown[]): Promise<T[]> => {
    try {
      return (await client.query(text, params as unknown[] | undefined)).rows as T[];
    } catch (e) {
      if (isUnavailable(e)) throw new StoreUnavailable(`the database at ${redactUrl(url)} is unavailable: ${(e as Error).message}`, { cause: e });
      throw e;
    }
  };
  return {
    kind: 'postgres',
    where: redactUrl(url),
    query: (text, params) => run(pool, text, params),
    async exec(text) {
      await run(pool, text);
    },
    async transaction(fn) {
      // A deadlock or serialization failure is PostgreSQL asking for the transaction again.
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(fn);
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (attempt >= 4 || (code !== '40P01' && code !== '40001')) throw e;
          await new Promise((r) => setTimeout(r, 20 * attempt * Math.random()));
        }
      }
    },
    async close() {
      await pool.end();
    },
    async bossOptions() {
      return { connectionString: url, max: 4 };
    },
  };

  async function once<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw new StoreUnavailable(`the database at ${redactUrl(url)} is unavailable: ${(e as Error).message}`, { cause: e });
      }
      const tx: Sql = { query: (text, params) => run(client, text, params) };
      try {
        await tx.query('BEGIN');
        const result = await fn(tx);
        await tx.query('COMMIT');
        client.release();
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        client.release(isUnavailable(e) ? (e as Error) : undefined);
        throw e;
      }
    }
  }
}
