/**
 * The HTTP API (Hono). Every /api/v1 route but the OpenAPI document needs a token; the
 * role decides what it may do: viewer reads, agent pushes for its own host, admin does
 * everything. Writes are logged (who, what, when) in write_log.
 */
import { gunzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { ingestAlerts, ingestReport, missingInventories } from './ingest.ts';
import { RateLimiter, SAME_PAGE } from './limits.ts';
import type { ServerMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { fleetOverview, getContainer, getHost, getImage, history, listAlerts, listContainers, listFindings, listHosts, listImages, QueryError, vulnerabilities } from './queries.ts';
import type { WorkQueue } from './queue.ts';
import { checkAlerts, checkMissing, checkReport, ShapeError } from './report-shape.ts';
import { isUnavailable, type Store } from './store.ts';
import { authenticate, createToken, listTokens, parseDuration, revokeToken, ROLES, type Role, type TokenInfo } from './tokens.ts';
import { exportHost, exportImage } from './exports.ts';
import { createTriage, listTriage } from './triage.ts';

export interface AppDeps {
  store: Store;
  queue: WorkQueue;
  metrics: ServerMetrics;
  /** Set while the server can answer (schema checked, queue started). */
  ready: () => boolean;
  /** Seconds an agent should wait when the database is unavailable. */
  retryAfterSeconds?: number;
  /** Extra routes (the dashboard) mounted at `/`. */
  mount?: (app: Hono<Env>) => void;
}

export type Env = { Variables: { token: TokenInfo; writeTarget: string } };

class HttpError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 429 | 503;
  readonly headers: Record<string, string>;
  constructor(status: HttpError['status'], message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

const WRITES_BY_ROLE: Record<string, Role[]> = {
  '/api/v1/reports': ['agent', 'admin'],
  '/api/v1/alerts': ['agent', 'admin'],
  '/api/v1/images/missing': ['agent', 'admin'],
};

export function createApp(deps: AppDeps): Hono<Env> {
  const { store, queue, metrics } = deps;
  const limiter = new RateLimiter();
  // The embedded store runs one statement at a time: reports read and parsed while others wait for it would only
  // add up in memory (which its WebAssembly heap never gives back), so they are taken one at a time, bodies unread.
  const ingestGate = store.kind === 'embedded' ? new Gate() : undefined;
  const app = new Hono<Env>();

  app.onError((e, c) => {
    if (e instanceof HttpError) return c.json({ error: e.message }, e.status, e.headers);
    if (isUnavailable(e)) return c.json({ error: 'the database is unavailable: retry later' }, 503, { 'Retry-After': String(deps.retryAfterSeconds ?? 5) });
    if (e instanceof ShapeError || e instanceof QueryError) return c.json({ error: e.message }, 400);
    process.stderr.write(`moat serve: ${c.req.method} ${c.req.path}: ${e.stack ?? e.message}\n`);
    return c.json({ error: `internal error while handling ${c.req.method} ${c.req.path}: ${e.message}` }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}: see /api/v1/openapi.json` }, 404));

  app.use('*', async (c, next) => {
    await next();
    const route = c.req.routePath.startsWith('/api/') || ['/metrics', '/healthz', '/readyz'].includes(c.req.routePath) ? c.req.routePath : 'other';
    metrics.requests.inc({ route, method: c.req.method, status: `${String(c.res.status)[0]}xx` });
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (!deps.ready()) return c.json({ status: 'starting' }, 503, { 'Retry-After': '1' });
    try {
      await store.query('SELECT 1 FROM moat_schema LIMIT 1');
      return c.json({ status: 'ready', store: store.kind });
    } catch (e) {
      return c.json({ status: 'database unavailable', error: (e as Error).message }, 503, { 'Retry-After': String(deps.retryAfterSeconds ?? 5) });
    }
  });
  app.get('/api/v1/openapi.json', (c) => c.json(openApiDocument()));

  // Authentication, rate limit, role.
  const guard = async (c: Context<Env>, next: () => Promise<void>): Promise<void | Response> => {
    const auth = await authenticate(store, c.req.header('authorization'));
    if (!auth.ok) throw new HttpError(401, auth.reason, { 'WWW-Authenticate': 'Bearer realm="moat"' });
    const samePage = (c.env as Record<symbol, unknown> | undefined)?.[SAME_PAGE] === true;
    const wait = samePage ? undefined : limiter.take(auth.token.id, auth.token.ratePerMinute);
    if (wait !== undefined) throw new HttpError(429, `token ${auth.token.id} is over its limit of ${auth.token.ratePerMinute} requests a minute: retry in ${wait} s`, { 'Retry-After': String(wait) });
    c.set('token', auth.token);
    const role = auth.token.role;
    const write = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    const pushers = WRITES_BY_ROLE[c.req.path];
    if (write && pushers !== undefined) {
      if (!pushers.includes(role)) throw new HttpError(403, `a ${role} token cannot ${c.req.method} ${c.req.path}: it takes an agent or admin token`);
    } else if (role === 'agent') {
      throw new HttpError(403, `an agent token only pushes reports and alerts for its host: ${c.req.method} ${c.req.path} takes a viewer or admin token`);
    } else if (write && role !== 'admin') {
      throw new HttpError(403, `a ${role} token reads only: ${c.req.method} ${c.req.path} takes an admin token`);
    }
    await next();
    if (write) {
      await store
        .query('INSERT INTO write_log (token_id, role, action, target, status, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb)', [
          auth.token.id,
          role,
          `${c.req.method} ${c.req.path}`,
          c.get('writeTarget') ?? null,
          c.res.status,
          JSON.stringify({ requestId: c.req.header('x-request-id') ?? null }),
        ])
        .catch(() => {});
    }
  };
  app.use('/api/v1/*', async (c, next) => (c.req.path === '/api/v1/openapi.json' ? next() : guard(c, next)));
  app.use('/metrics', guard);

  const body = async (c: Context<Env>): Promise<unknown> => {
    const max = c.get('token').maxBodyBytes;
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > max) throw new HttpError(413, `the body is ${length} bytes, over this token's limit of ${max}: split the report or raise the limit (token create --max-body)`);
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(type)) throw new HttpError(415, `Content-Type must be application/json (got "${type}")`);
    const raw = await readLimited(c.req.raw, max);
    const encoding = (c.req.header('content-encoding') ?? 'identity').toLowerCase();
    let text: Buffer;
    if (encoding === 'gzip') {
      try {
        text = gunzipSync(raw, { maxOutputLength: max });
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw new HttpError(413, `the report unpacks to more than this token's limit of ${max} bytes`);
        throw new HttpError(400, `the body is not valid gzip: ${(e as Error).message}`);
      }
    } else if (encoding === 'identity') text = raw;
    else throw new HttpError(415, `Content-Encoding "${encoding}" is not supported: send gzip or identity`);
    try {
      return JSON.parse(text.toString('utf8'));
    } catch (e) {
      throw new HttpError(400, `the body is not JSON: ${(e as Error).message}`);
    }
  };
  const ownHost = (c: Context<Env>, host: string): void => {
    const token = c.get('token');
    if (token.role === 'agent' && token.host !== host) throw new HttpError(403, `this agent token pushes for host "${token.host}" only, not "${host}"`);
  };

  app.post('/api/v1/reports', async (c) => {
    const release = await ingestGate?.enter();
    try {
      return await postReport(c);
    } finally {
      release?.();
    }
  });
  const postReport = async (c: Context<Env>): Promise<Response> => {
    const report = checkReport(await body(c));
    ownHost(c, report.host);
    c.set('writeTarget', `report ${report.id} for ${report.host}`);
    const t0 = performance.now();
    const result = await ingestReport(store, report, c.get('token').id);
    metrics.ingest.observe((performance.now() - t0) / 1000);
    metrics.reports.inc({ outcome: result.stored ? 'stored' : 'duplicate' });
    if (result.inventories.length > 0) await queue.sendMatch(result.inventories);
    return result.stored ? c.json({ stored: true }, 202) : c.json({ stored: false, duplicate: true }, 200);
  };
  app.post('/api/v1/alerts', async (c) => {
    const batch = checkAlerts(await body(c));
    ownHost(c, batch.host);
    c.set('writeTarget', `alerts ${batch.id} for ${batch.host}`);
    const stored = await ingestAlerts(store, batch);
    return stored ? c.json({ stored: true }, 202) : c.json({ stored: false, duplicate: true }, 200);
  });
  app.post('/api/v1/images/missing', async (c) => c.json({ missing: await missingInventories(store, checkMissing(await body(c))) }));

  app.get('/api/v1/hosts', async (c) => c.json({ hosts: await listHosts(store) }));
  app.get('/api/v1/hosts/:name', async (c) => {
    const host = await getHost(store, c.req.param('name'));
    if (host === undefined) throw new HttpError(404, `no host "${c.req.param('name')}" has reported`);
    return c.json(host);
  });
  app.get('/api/v1/hosts/:name/containers/:id', async (c) => {
    const container = await getContainer(store, c.req.param('name'), c.req.param('id'));
    if (container === undefined) throw new HttpError(404, `host "${c.req.param('name')}" reported no container ${c.req.param('id')}: list them with GET /api/v1/containers?host=${c.req.param('name')}`);
    return c.json(container);
  });
  app.get('/api/v1/overview', async (c) => c.json(await fleetOverview(store, c.req.query('days'))));
  app.get('/api/v1/containers', async (c) => c.json({ containers: await listContainers(store, c.req.query('host')) }));
  app.get('/api/v1/images', async (c) => c.json({ images: await listImages(store) }));
  app.get('/api/v1/images/:digest', async (c) => {
    const image = await getImage(store, c.req.param('digest'));
    if (image === undefined) throw new HttpError(404, `no image ${c.req.param('digest')} is known: give the image id (sha256:...) a host reported`);
    return c.json(image);
  });
  app.get('/api/v1/findings', async (c) => c.json(await listFindings(store, c.req.query())));
  app.get('/api/v1/history', async (c) => c.json({ days: await history(store, c.req.query('host'), c.req.query('days')) }));
  app.get('/api/v1/alerts', async (c) => c.json({ alerts: await listAlerts(store, c.req.query('since'), c.req.query('limit')) }));
  app.get('/api/v1/vulnerabilities', async (c) => c.json({ vulnerabilities: await vulnerabilities(store, c.req.query('id'), c.req.query('package')) }));
  app.get('/api/v1/jobs', async (c) => c.json({ jobs: await queue.jobs(c.req.query('state')) }));
  app.post('/api/v1/jobs/:id/retry', async (c) => {
    c.set('writeTarget', `job ${c.req.param('id')}`);
    if (!(await queue.retry(c.req.param('id')))) throw new HttpError(404, `no job ${c.req.param('id')}: list them with GET /api/v1/jobs?state=failed`);
    return c.json({ retried: true }, 202);
  });
  app.post('/api/v1/scans', async (c) => {
    const b = (await body(c)) as { reference?: unknown };
    if (typeof b.reference !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9._\-/:@]*$/.test(b.reference)) throw new HttpError(400, 'reference: give an image reference in a registry, like registry.example:5000/app:1');
    c.set('writeTarget', `scan ${b.reference}`);
    return c.json({ job: await queue.sendScan(b.reference) }, 202);
  });
  app.post('/api/v1/rematch', async (c) => c.json({ job: await queue.sendRematch('requested through the API') }, 202));
  app.get('/api/v1/triage', async (c) => c.json({ triage: await listTriage(store) }));
  app.post('/api/v1/triage', async (c) => {
    const entry = await createTriage(store, await body(c), c.get('token').id);
    c.set('writeTarget', `triage ${entry.id}`);
    return c.json(entry, 201);
  });
  app.get('/api/v1/exports/:kind/:name', async (c) => {
    const kind = c.req.param('kind');
    const format = c.req.query('format') ?? 'json';
    const out = kind === 'host' ? await exportHost(store, c.req.param('name'), format) : kind === 'image' ? await exportImage(store, c.req.param('name'), format) : undefined;
    if (out === undefined) throw new HttpError(404, kind === 'host' || kind === 'image' ? `no ${kind} "${c.req.param('name')}" is known` : `exports are per host or image (/exports/host/NAME, /exports/image/DIGEST), not "${kind}"`);
    return c.body(out.body, 200, { 'Content-Type': out.type, 'Content-Disposition': `attachment; filename="${out.filename}"` });
  });

  app.get('/api/v1/tokens', async (c) => {
    if (c.get('token').role !== 'admin') throw new HttpError(403, 'listing tokens takes an admin token');
    return c.json({ tokens: await listTokens(store) });
  });
  app.post('/api/v1/tokens', async (c) => {
    const b = (await body(c)) as { role?: string; host?: string; expires?: string; note?: string };
    if (typeof b.role !== 'string' || !ROLES.includes(b.role as Role)) throw new HttpError(400, 'role: must be admin, agent or viewer');
    const { secret, info } = await createToken(store, {
      role: b.role as Role,
      ...(typeof b.host === 'string' ? { host: b.host } : {}),
      ...(typeof b.expires === 'string' ? { expiresInMs: parseDuration(b.expires, 'expires') } : {}),
      ...(typeof b.note === 'string' ? { note: b.note } : {}),
    }).catch((e: Error) => {
      throw new HttpError(400, e.message);
    });
    c.set('writeTarget', `token ${info.id}`);
    return c.json({ token: secret, ...info }, 201);
  });
  app.delete('/api/v1/tokens/:id', async (c) => {
    c.set('writeTarget', `token ${c.req.param('id')}`);
    if (!(await revokeToken(store, c.req.param('id')))) throw new HttpError(404, `no active token ${c.req.param('id')}`);
    return c.json({ revoked: true });
  });

  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }));

  deps.mount?.(app);
  return app;
}

/** One at a time, in arrival order. */
class Gate {
  private tail: Promise<void> = Promise.resolve();
  async enter(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const before = this.tail;
    this.tail = before.then(() => held);
    await before;
    return release;
  }
}

/** The request body, refused as soon as it passes `max` bytes (a chunked upload has no Content-Length to check first). */
async function readLimited(req: Request, max: number): Promise<Buffer> {
  if (req.body === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new HttpError(413, `the body is over this token's limit of ${max} bytes: split the report or raise the limit (token create --max-body)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
