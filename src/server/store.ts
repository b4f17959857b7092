/**
 * The server's storage: PostgreSQL either way, so one schema and one SQL serve both the
 * embedded store (PGlite, PostgreSQL compiled to WebAssembly, under --data) and a real
 * server (--database URL, through `pg`). Only this file knows which one it is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { PGlite as PGliteType } from '@electric-sql/pglite';
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
  /** The embedded store's WebAssembly memory, in bytes (it grows and never shrinks); undefined for a PostgreSQL server. */
  memoryBytes(): number | undefined;
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
  const pgdata = `${dir}/pgdata`;
  let pg: PGliteType;
  try {
    if (!existsSync(`${pgdata}/PG_VERSION`)) createCluster(pgdata);
    pg = await openPglite(pgdata);
  } catch (e) {
    if (e instanceof MoatError) throw e;
    throw new MoatError('config', `serve: cannot open the embedded store in ${pgdata}: ${(e as Error).message} (is another moat serve using it?)`, { cause: e });
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
    memoryBytes() {
      return pg.Module.HEAPU8.buffer.byteLength;
    },
  };
}

/**
 * PostgreSQL's SQL parser (raw_parser, Bison's parser: one 107 KB WebAssembly function) runs for
 * every statement, so V8 soon hands it to its optimizing compiler, which needs 614 MB of zone memory
 * for that one function for about a second (V8 13.6, Node 24: --turbo-stats-wasm). That compile was
 * the server's peak RSS (829 MB under the bench's ingest, 860 MB with Moat's own load at startup);
 * the WebAssembly memory itself stayed at 128 MB. So the parser keeps V8's baseline code (Liftoff)
 * and every other function is optimized as usual: V8 decides whether a function may tier up when it
 * first compiles it, lazily, on its first call, from --wasm-tier-up-filter. The first statement
 * runs the parser alone (an empty statement) with the filter naming no function (0 is an import),
 * so only the few functions that statement calls first stay on baseline code. Measured with the
 * bench, same build with and without: peak RSS 786 → 500–517 MB, re-match CPU 47.4 → 47.8 s
 * (docs/serve.md). store.test.ts fails if a Node or PGlite update undoes it.
 */
async function openPglite(pgdata: string): Promise<PGliteType> {
  const { PGlite } = await import('@electric-sql/pglite');
  let parserCompiled = false;
  class ParserOnBaselinePGlite extends PGlite {
    // PGlite's first statement once the backend runs (its documented hook at the end of init).
    override async _initArrayTypes(options?: { force?: boolean }): Promise<void> {
      if (!parserCompiled) {
        parserCompiled = true;
        setFlagsFromString('--wasm-tier-up-filter=0');
        try {
          await this.exec('-- compile the parser alone');
        } finally {
          setFlagsFromString('--wasm-tier-up-filter=-1');
        }
      }
      return super._initArrayTypes(options);
    }
  }
  // Its WebAssembly memory only grows, and shared buffers are part of it: 32 MB, not PostgreSQL's 128 MB (the files
  // are read through the system's page cache anyway).
  const pg = new ParserOnBaselinePGlite(pgdata, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`] });
  await pg.waitReady;
  return pg;
}

/**
 * A new cluster is made in a child process: initdb runs the parser in this process's copy of the
 * WebAssembly module (V8 shares compiled code between instances of one module) before the store
 * could keep it on baseline code.
 */
function createCluster(pgdata: string): void {
  const script = `const { PGlite } = await import(${JSON.stringify(import.meta.resolve('@electric-sql/pglite'))}); await (await PGlite.create(process.argv[1])).close();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, pgdata], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = (r.error?.message ?? r.stderr).trim().split('\n').filter((l) => l.trim() !== '').pop() ?? `exit ${r.status}`;
    throw new MoatError('config', `serve: cannot create the embedded store in ${pgdata}: ${why} (check the directory's permissions and free space)`);
  }
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
    memoryBytes() {
      return undefined;
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
