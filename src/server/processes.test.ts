/**
 * `moat serve` as processes, through its command line: tokens printed once, an older
 * schema refused until `moat serve migrate`, and two servers on one PostgreSQL sharing
 * the queue without running a job twice.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { openStore } from './store.ts';
import { migrate, SCHEMA_VERSION } from './migrations.ts';
import { advisory, api, debPackage, DEBIAN, digestOf, importAdvisories, makeStore, reportDoc, until, type StoreHandle, type StoreKind } from './test-support/harness.ts';

const BIN = path.resolve(import.meta.dirname, '../cli/bin.ts');

function moat(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function storeArgs(store: StoreHandle): string[] {
  return 'database' in store.options ? ['--database', store.options.database] : ['--data', store.options.data];
}

/** A `moat serve` process; resolves with its URL once it listens. */
async function serveProcess(store: StoreHandle): Promise<{ url: string; child: ChildProcess; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...storeArgs(store), '--listen', '127.0.0.1:0', '--vuln-db', store.vulnDb, '--poll', '0.5', '--rematch-check', '0.2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`moat serve exited ${code}: ${err}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

for (const kind of ['embedded', 'postgres'] as StoreKind[]) {
  describe(`moat serve migrate and tokens on the ${kind} store`, () => {
    let store: StoreHandle;
    before(async () => {
      store = await makeStore(kind);
    });
    after(() => store?.destroy());

    test('an older schema is refused with the command that migrates it', async () => {
      const old = await openStore(store.options);
      await migrate(old, 1);
      await old.close();
      const refused = moat(['serve', 'token', 'create', '--role', 'admin', ...storeArgs(store)]);
      assert.equal(refused.status, 2, refused.stderr);
      assert.match(refused.stderr, new RegExp(`schema version 1, this server needs ${SCHEMA_VERSION}`));
      assert.match(refused.stderr, /moat serve migrate --(data|database)/);
      const migrated = moat(['serve', 'migrate', ...storeArgs(store)]);
      assert.equal(migrated.status, 0, migrated.stderr);
      assert.match(migrated.stdout, new RegExp(`migrated from version 1 to ${SCHEMA_VERSION}`));
      assert.match(moat(['serve', 'migrate', ...storeArgs(store)]).stdout, new RegExp(`schema is current \\(version ${SCHEMA_VERSION}\\)`));
    });

    test('token create prints the token once on the last line; list shows no secret; revoke makes it 401', async () => {
      const created = moat(['serve', 'token', 'create', '--role', 'viewer', '--expires', '90d', ...storeArgs(store)]);
      assert.equal(created.status, 0, created.stderr);
      const lines = created.stdout.trimEnd().split('\n');
      const secret = lines[lines.length - 1] as string;
      assert.match(secret, /^moat_[a-f0-9]{12}_[A-Za-z0-9_-]{32}$/);
      const id = secret.split('_')[1] as string;
      const listed = moat(['serve', 'token', 'list', '--format', 'json', ...storeArgs(store)]);
      assert.ok(!listed.stdout.includes(secret.split('_')[2] as string), 'the secret is never listed');
      const entry = (JSON.parse(listed.stdout) as Array<{ id: string; role: string; expiresAt: string }>).find((t) => t.id === id);
      assert.equal(entry?.role, 'viewer');
      assert.ok(Math.abs(Date.parse(entry?.expiresAt as string) - Date.now() - 90 * 86_400_000) < 120_000);
      const bad = moat(['serve', 'token', 'create', '--role', 'agent', ...storeArgs(store)]);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--host/);

      const server = await serveProcess(store);
      try {
        assert.equal((await api(server.url, secret, 'GET', '/api/v1/hosts')).status, 200);
        if (kind === 'embedded') {
          const busy = moat(['serve', 'token', 'list', ...storeArgs(store)]);
          assert.equal(busy.status, 2);
          assert.match(busy.stderr, /in use by moat serve \(pid \d+\)/);
        } else {
          assert.equal(moat(['serve', 'token', 'revoke', id, ...storeArgs(store)]).status, 0);
          const revoked = await api(server.url, secret, 'GET', '/api/v1/hosts');
          assert.equal(revoked.status, 401);
          assert.match(revoked.json.error as string, /revoked/);
        }
      } finally {
        assert.equal(await server.stop(), 0, 'SIGTERM stops the server cleanly');
      }
    });
  });
}

describe('two moat serve processes on one PostgreSQL', () => {
  let store: StoreHandle;
  before(async () => {
    store = await makeStore('postgres');
    await importAdvisories(store.vulnDb, [advisory('DSA-0003-1', 'CVE-2026-0003', 'openssl', '3.0.15-1~deb12u1')]);
  });
  after(() => store?.destroy());

  test('share the queue: every image is matched once, a database update is re-matched once', async () => {
    const created = moat(['serve', 'token', 'create', '--role', 'admin', ...storeArgs(store)]);
    const token = created.stdout.trimEnd().split('\n').pop() as string;
    const a = await serveProcess(store);
    const b = await serveProcess(store);
    try {
      const images = 24;
      await Promise.all(
        Array.from({ length: images }, async (_, i) => {
          const digest = digestOf(0x1000 + i);
          const doc = reportDoc(`host-${i}`, `report-${i}`, {
            images: [{ digest, references: [`example.test/app:${i}`], layers: [], inventory: { os: DEBIAN, packages: [debPackage('libssl3', '3.0.11-1~deb12u2', 'openssl'), debPackage(`pkg${i}`, '1.0-1')] } }],
          });
          const r = await api(i % 2 === 0 ? a.url : b.url, token, 'POST', '/api/v1/reports', doc);
          assert.equal(r.status, 202, JSON.stringify(r.json));
        }),
      );
      const pg = await openStore(store.options);
      try {
        await until(
          'every inventory matched',
          async () => (await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM images WHERE matched_generation IS NOT NULL'))[0]?.n === images,
          30_000,
        );
        const runs = await pg.query<{ key: string; n: number }>(`SELECT key, count(*)::int AS n FROM job_runs WHERE queue = 'moat-match-image' GROUP BY key`);
        assert.equal(runs.length, images);
        assert.deepEqual(runs.filter((r) => r.n !== 1), [], 'no image was matched twice');
        const workers = await pg.query<{ worker: string }>(`SELECT DISTINCT worker FROM job_runs`);
        assert.ok(workers.length >= 1);

        const before = (await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM job_runs WHERE queue = 'moat-rematch'`))[0]?.n ?? 0;
        const firstGen = await until('the first re-match', async () => (await pg.query<{ generation: string }>('SELECT generation FROM vuln_state'))[0]?.generation);
        await importAdvisories(store.vulnDb, [advisory('DSA-0004-1', 'CVE-2026-0004', 'pkg3', '2.0-1')]);
        await until('the re-match after the update', async () => {
          const g = (await pg.query<{ generation: string }>('SELECT generation FROM vuln_state'))[0]?.generation;
          return g !== firstGen ? g : undefined;
        });
        // Both servers saw the change; give the slower one time to queue a second run if it were going to.
        await new Promise((r) => setTimeout(r, 1500));
        const rematches = (await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM job_runs WHERE queue = 'moat-rematch'`))[0]?.n ?? 0;
        assert.ok(rematches > before, 'the update was re-matched by a queued job');
        const twice = await pg.query(`SELECT job_id FROM job_runs GROUP BY job_id HAVING count(*) > 1`);
        assert.deepEqual(twice, [], 'no job ran twice');
        const alerts = await api(a.url, token, 'GET', '/api/v1/alerts');
        const hits = (alerts.json.alerts as Array<{ vulnerability: string; host: string }>).filter((x) => x.vulnerability === 'CVE-2026-0004');
        assert.deepEqual(hits.map((h) => h.host), ['host-3'], 'one alert, for the one host running the image');
      } finally {
        await pg.close();
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
