/**
 * A report over the server's size limit (its token's --max-body): the real agent, on the
 * real engine, sends it again in parts, each a whole snapshot with a share of the
 * inventories, and the server ends up holding everything. A proxy in front of the real
 * server sets the token's limit one byte under the first report it sees (unpacked) (whatever the
 * engine runs at the time, that report is then refused with 413), and records what passes.
 * A replay of the same report splits into the same parts, which the server already holds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Spool } from '../src/features/agent/spool.ts';
import { createToken } from '../src/server/tokens.ts';
import type { RunningServer } from '../src/server/server.ts';
import { api, makeStore, runServer, type StoreHandle } from '../src/server/test-support/harness.ts';
import { ensureTestImages, HARDENED_FLAGS, IMAGES, TestContainers } from './support/engine.ts';
import { runMoat } from './support/moat-cli.ts';

interface Seen {
  id: string;
  bytes: number;
  status: number;
  body: Buffer;
}

/** Forwards to the server; `onReport` runs before a report is forwarded (the test sets the limit there). */
async function recordingProxy(target: string, onReport: (body: Buffer) => Promise<void>): Promise<{ url: string; reports: Seen[]; close(): Promise<void> }> {
  const up = new URL(target);
  const reports: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const isReport = req.method === 'POST' && req.url === '/api/v1/reports';
        if (isReport) await onReport(body);
        const fwd = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: { ...req.headers, host: up.host } }, (answer) => {
          if (isReport) reports.push({ id: (JSON.parse(gunzipSync(body).toString('utf8')) as { id: string }).id, bytes: body.length, status: answer.statusCode ?? 0, body });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        fwd.on('error', () => res.destroy());
        fwd.end(body);
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reports,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('moat agent: a report over the server\'s size limit', () => {
  const host = 'agent-split';
  const containers = new TestContainers('agent-split');
  let store: StoreHandle;
  let server: RunningServer;
  let work: string;
  let token: string;
  let viewer: string;
  let tokenId: string;

  before(async () => {
    await ensureTestImages();
    work = mkdtempSync(join(tmpdir(), 'moat-agent-split-'));
    // Two images at least, so the report has inventories to share out between parts.
    await containers.make('risky', HARDENED_FLAGS, { image: IMAGES.risky });
    await containers.make('plain', HARDENED_FLAGS, { image: IMAGES.plain });
    store = await makeStore('embedded');
    server = await runServer(store);
    const agentToken = await createToken(server.store, { role: 'agent', host });
    token = agentToken.secret;
    tokenId = agentToken.info.id;
    viewer = (await createToken(server.store, { role: 'viewer' })).secret;
  });
  after(async () => {
    await server?.close();
    store?.destroy();
    await containers.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('is sent in parts that together carry every inventory; a replay splits into the same parts, stored once', async () => {
    let limit: number | undefined;
    const proxy = await recordingProxy(server.url, async (body) => {
      if (limit !== undefined) return;
      // The limit bounds the body both as sent and unpacked: one byte under the report's unpacked size refuses it whole.
      limit = gunzipSync(body).length - 1;
      await server.store.query('UPDATE tokens SET max_body_bytes = $1 WHERE id = $2', [limit, tokenId]);
    });
    try {
      const run = await runMoat(['agent', '--server', proxy.url, '--token', token, '--host', host, '--buffer', join(work, 'buffer'), '--once'], { cwd: work, timeoutMs: 180_000 });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /^moat: stored by .*: report [0-9a-f]{12} for host agent-split \((\d+) images, (\d+) inventories sent, in (\d+) parts: over the server's size limit\)$/m);
      const [, , sent, partCount] = /\((\d+) images, (\d+) inventories sent, in (\d+) parts/.exec(run.stderr) ?? [];
      assert.ok(Number(sent) >= 2, run.stderr);

      const [whole, ...parts] = proxy.reports;
      assert.ok(whole !== undefined);
      assert.equal(whole.status, 413, 'the whole report is over the limit');
      assert.match(whole.id, /^[0-9a-f]{64}$/);
      assert.equal(parts.length, Number(partCount));
      for (const p of parts) {
        assert.equal(p.status, 202, `part ${p.id} stored`);
        assert.ok(gunzipSync(p.body).length <= (limit as number), `part ${p.id}: ${gunzipSync(p.body).length} bytes unpacked, limit ${limit}`);
        assert.match(p.id, new RegExp(`^${whole.id}\\.part-[01]+n?$`));
      }
      assert.equal(new Set(parts.map((p) => p.id)).size, parts.length, 'each part has its own id');

      // Everything arrived: every inventory of the report is held, and the host shows every container of the snapshot.
      const report = JSON.parse(gunzipSync(whole.body).toString('utf8')) as { images: Array<{ digest: string; layers: string[]; inventory?: unknown }>; containers: Array<{ id: string }> };
      const carried = report.images.filter((i) => i.inventory !== undefined);
      assert.equal(carried.length, Number(sent));
      const missing = await api(server.url, token, 'POST', '/api/v1/images/missing', { images: carried.map((i) => ({ digest: i.digest, layers: i.layers })) });
      assert.deepEqual(missing.json, { missing: [] }, 'the server holds every inventory the report carried');
      const listed = (await api(server.url, viewer, 'GET', `/api/v1/containers?host=${host}`)).json.containers as Array<{ id: string }>;
      assert.deepEqual(listed.map((c) => c.id).sort(), report.containers.map((c) => c.id).sort());
      const stored = async (): Promise<number> => (await server.store.query<{ n: number }>('SELECT count(*)::int AS n FROM reports WHERE host = $1', [host]))[0]?.n ?? 0;
      assert.equal(await stored(), parts.length);

      // A replay: the same report back in a buffer (an agent killed before it removed it) is split the same way, and the server holds every part.
      const spool = await Spool.open({ dir: join(work, 'replay') });
      await spool.add('report', whole.id, whole.body);
      await spool.close();
      const seenBefore = proxy.reports.length;
      const again = await runMoat(['agent', '--server', proxy.url, '--token', token, '--host', host, '--buffer', join(work, 'replay'), '--once'], { cwd: work, timeoutMs: 180_000 });
      assert.equal(again.code, 0, again.stderr);
      const replayed = proxy.reports.slice(seenBefore).filter((r) => r.id.startsWith(whole.id));
      assert.deepEqual(
        replayed.map((r) => [r.id, r.status]),
        [[whole.id, 413], ...parts.map((p) => [p.id, 200])],
        'the replay is refused whole, then its parts are answered as already held',
      );
      // The replay stored nothing; the new snapshot (its inventories held now, so under the limit) is one report.
      assert.equal(await stored(), parts.length + 1);
    } finally {
      await proxy.close();
    }
  });
});
