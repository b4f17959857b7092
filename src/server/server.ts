/**
 * `moat serve`: opens the store, checks its schema, starts the queue and the HTTP
 * server, and watches the vulnerability database for changes (re-matching every stored
 * inventory when it changes).
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { MoatError } from '../util/errors.ts';
import { createApp, type Env } from './app.ts';
import { vulnSource } from './match.ts';
import { databaseWatch } from './db-watch.ts';
import { ServerMetrics } from './metrics.ts';
import { ensureSchema } from './migrations.ts';
import { WorkQueue } from './queue.ts';
import { openStore, type Store } from './store.ts';
import type { Hono } from 'hono';
import { lockDataDir, type DataLock } from './lock.ts';

export interface ServeOptions {
  listen: string;
  data?: string;
  database?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** The vulnerability database the server matches inventories against. */
  vulnDb: string;
  /** How often to look for a changed vulnerability database, in seconds. */
  rematchCheckSeconds: number;
  /** How often workers poll the queue when idle, in seconds (pg-boss minimum 0.5). */
  pollSeconds: number;
  /**
   * Runs `moat db update` on the vulnerability database this often (default: never); the
   * new file is then noticed like any other and every stored inventory matched again.
   */
  dbUpdate?: { intervalMs: number; source?: string; ecosystems?: string[] };
  /** The command that migrates this store, for the refusal message. */
  migrateCommand: string;
  log: (line: string) => void;
  mount?: (app: Hono<Env>) => void;
}

export interface RunningServer {
  url: string;
  store: Store;
  queue: WorkQueue;
  close(): Promise<void>;
}

/** How long a request may take to arrive whole, its wait for its turn at the embedded store included. */
const REQUEST_TIMEOUT_MS = 15 * 60_000;

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new MoatError('usage', `serve: --listen "${text}": give HOST:PORT, like 127.0.0.1:8470 or [::1]:8470`);
  return { host: (m[1] ?? m[2]) as string, port };
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const { host, port } = parseListen(opts.listen);
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw new MoatError('usage', 'serve: give both --tls-cert and --tls-key, or neither');
  const tls = opts.tlsCert !== undefined ? { cert: readTls(opts.tlsCert, '--tls-cert'), key: readTls(opts.tlsKey as string, '--tls-key') } : undefined;
  let lock: DataLock | undefined;
  if (opts.database === undefined && opts.data !== undefined) lock = lockDataDir(opts.data);
  let store: Store | undefined;
  let queue: WorkQueue | undefined;
  try {
    store = await openStore({ ...(opts.data !== undefined ? { data: opts.data } : {}), ...(opts.database !== undefined ? { database: opts.database } : {}) });
    await ensureSchema(store, opts.migrateCommand);
    const source = vulnSource(opts.vulnDb);
    const work = await WorkQueue.start(store, source, { work: true, pollSeconds: opts.pollSeconds, onError: (e) => opts.log(`queue: ${e.message}`) });
    queue = work;
    const metrics = new ServerMetrics(store);
    let ready = false;
    const app = createApp({ store, queue: work, metrics, ready: () => ready, ...(opts.mount ? { mount: opts.mount } : {}) });
    const server: ServerType = await new Promise((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: host, port, ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}) }, () => resolve(s));
      s.once('error', (e: NodeJS.ErrnoException) =>
        reject(new MoatError('config', `serve: cannot listen on ${opts.listen}: ${e.code === 'EADDRINUSE' ? 'the address is in use (another server?)' : e.message}`)),
      );
    });
    // The embedded store takes reports one at a time, their bodies left unread until their turn: Node's default of
    // 5 minutes to receive a whole request cut off reports queued behind a busy store (the client saw a reset; measured
    // under the bench's 10,000-inventory top-up). Still bounded, so a client that never finishes its body is let go.
    (server as import('node:http').Server).requestTimeout = REQUEST_TIMEOUT_MS;
    const address = server.address() as AddressInfo;
    const url = `${tls ? 'https' : 'http'}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

    const checkDb = databaseWatch({
      source,
      matched: async () => (await (store as Store).query<{ generation: string }>('SELECT generation FROM vuln_state WHERE id = 1'))[0]?.generation,
      sendRematch: (reason) => work.sendRematch(reason),
      log: opts.log,
    });
    await checkDb();
    const timer = setInterval(() => void checkDb().catch(() => {}), opts.rematchCheckSeconds * 1000);
    timer.unref();
    let updateTimer: NodeJS.Timeout | undefined;
    if (opts.dbUpdate !== undefined) {
      const { intervalMs, source: mirror, ecosystems } = opts.dbUpdate;
      let running = false;
      const update = async (): Promise<void> => {
        // One at a time: a slow download is not started again by the next tick.
        if (running) return;
        running = true;
        try {
          const { updateDatabase } = await import('../knowledge/vuln/db/update.ts');
          const result = await updateDatabase(opts.vulnDb, { ...(mirror !== undefined ? { source: mirror } : {}), ...(ecosystems !== undefined ? { ecosystems } : {}) });
          const updated = result.ecosystems.filter((e) => e.status === 'updated').map((e) => e.ecosystem);
          opts.log(`moat serve: scheduled database update of ${opts.vulnDb}: ${updated.length > 0 ? `updated ${updated.join(', ')}` : 'unchanged'}`);
          if (updated.length > 0) await checkDb();
        } catch (e) {
          opts.log(`moat serve: scheduled database update of ${opts.vulnDb} failed: ${(e as Error).message} (next try in ${Math.round(intervalMs / 60_000)} min)`);
        } finally {
          running = false;
        }
      };
      updateTimer = setInterval(() => void update(), intervalMs);
      updateTimer.unref();
    }
    ready = true;
    opts.log(`moat serve: listening on ${url} (${store.kind} store: ${store.where}; vulnerability database ${opts.vulnDb})`);
    const open = store;
    return {
      url,
      store: open,
      queue: work,
      async close() {
        ready = false;
        clearInterval(timer);
        if (updateTimer !== undefined) clearInterval(updateTimer);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await work.stop().catch(() => {});
        await open.close().catch(() => {});
        lock?.release();
      },
    };
  } catch (e) {
    // A server that cannot start leaves nothing running: the queue's workers would otherwise poll a closed store forever.
    await queue?.stop().catch(() => {});
    await store?.close().catch(() => {});
    lock?.release();
    throw e;
  }
}

function readTls(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new MoatError('usage', `serve: ${flag} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
