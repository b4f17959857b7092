/**
 * `moat agent` end to end, on both server stores (embedded PGlite, and a PostgreSQL 15
 * cluster the test starts): the real CLI reads the real engine and pushes to a real
 * `moat serve`, whose API must then show what runs on this host. Then the faults: a wrong
 * token, another host's token, the server gone (the agent buffers, is restarted, and loses
 * nothing, alerts included), the database gone (503), an answer lost after the server
 * stored the report (the replay is stored once), and a TLS server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from '../src/server/tokens.ts';
import { startServer, type RunningServer } from '../src/server/server.ts';
import { api, makeStore, runServer, until, type StoreHandle, type StoreKind } from '../src/server/test-support/harness.ts';
import { docker, ensureTestImages, HARDENED_FLAGS, IMAGES, TestContainers } from './support/engine.ts';
import { startFaultProxy } from './support/fault-proxy.ts';
import { runMoat, type Run } from './support/moat-cli.ts';
import { makeTlsSet } from './support/tls-certs.ts';

const documents = (dir: string, kind?: 'report' | 'alerts'): string[] => {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.json.gz') && (kind === undefined || n.includes(`-${kind}-`)));
  } catch {
    return [];
  }
};
const lines = (r: Run): string[] => r.stderr.trim().split('\n').filter(Boolean);

for (const kind of ['embedded', 'postgres'] as StoreKind[]) {
  describe(`moat agent against moat serve on the ${kind} store`, () => {
    const host = `agent-e2e-${kind}`;
    const containers = new TestContainers(`agent-${kind}`);
    let store: StoreHandle;
    let server: RunningServer;
    let port: number;
    let work: string;
    let web: string;
    let riskyId: string;
    const tokens: Record<string, string> = {};
    const agent = (buffer: string, extra: string[], token = tokens.agent as string): string[] => ['agent', '--server', server.url, '--token', token, '--host', host, '--buffer', join(work, buffer), ...extra];
    const restart = async (): Promise<void> => {
      server = await runServer(store, { listen: `127.0.0.1:${port}` });
    };

    before(async () => {
      await ensureTestImages();
      work = mkdtempSync(join(tmpdir(), `moat-agent-e2e-${kind}-`));
      web = await containers.make('web', HARDENED_FLAGS, { image: IMAGES.risky });
      riskyId = JSON.parse(await docker('image', 'inspect', '--format', '{{json .Id}}', IMAGES.risky)) as string;
      store = await makeStore(kind);
      server = await runServer(store);
      port = Number(new URL(server.url).port);
      for (const [name, opts] of Object.entries({
        agent: { role: 'agent' as const, host },
        other: { role: 'agent' as const, host: `${host}-other` },
        viewer: { role: 'viewer' as const },
        small: { role: 'agent' as const, host, maxBodyBytes: 16_384 },
      })) {
        tokens[name] = (await createToken(server.store, opts)).secret;
      }
    });
    after(async () => {
      await server?.close();
      store?.destroy();
      await containers.cleanup();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    const read = async (route: string): Promise<Record<string, unknown>> => {
      const a = await api(server.url, tokens.viewer, 'GET', route);
      assert.equal(a.status, 200, `${route}: ${JSON.stringify(a.json)}`);
      return a.json;
    };

    test('serve → token → agent --once → the API shows the host, what runs on it, and the inventory of its image', async () => {
      const run = await runMoat(agent('once', ['--once']), { cwd: work, timeoutMs: 120_000 });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(lines(run).length, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`^moat: stored by ${server.url}: report [0-9a-f]{12} for host ${host} \\(\\d+ images?, [1-9]\\d* inventor`));
      assert.deepEqual(documents(join(work, 'once')), [], 'nothing left in the buffer');

      const hosts = (await read('/api/v1/hosts')).hosts as Array<{ name: string; lastSeen: string; daemonVersion: string; bySeverity: Record<string, number> }>;
      const me = hosts.find((h) => h.name === host);
      assert.ok(me, `${host} in ${JSON.stringify(hosts.map((h) => h.name))}`);
      assert.ok(Date.now() - Date.parse(me.lastSeen) < 120_000);
      assert.equal(me.daemonVersion, JSON.parse(await docker('version', '--format', '{{json .Server.Version}}')));
      assert.ok(Object.values(me.bySeverity).reduce((a, b) => a + b, 0) > 0, 'the audit\'s findings are counted');

      const list = (await read(`/api/v1/containers?host=${host}`)).containers as Array<{ name: string; image: string; imageDigest: string }>;
      assert.deepEqual(list.filter((c) => c.name === web).map((c) => [c.image, c.imageDigest]), [[IMAGES.risky, riskyId]]);

      // The dashboard's container page and image page: the configuration as the agent read it, and the image's
      // signature verdict (no moat.yaml here: not checked, said as such).
      const webId = JSON.parse(await docker('inspect', '--format', '{{json .Id}}', web)) as string;
      const detail = await read(`/api/v1/hosts/${host}/containers/${webId}`);
      const config = detail.config as { user: string; capDrop: string[]; readOnlyRootfs: boolean; resources: { memory: number; pidsLimit: number } };
      assert.deepEqual([config.user, config.capDrop, config.readOnlyRootfs, config.resources.memory, config.resources.pidsLimit], ['10001:10001', ['ALL'], true, 64 * 1024 * 1024, 50]);
      const image = await read(`/api/v1/images/${riskyId}`);
      assert.deepEqual((image.signatures as Array<{ host: string }>).find((s) => s.host === host), { host, status: 'not-checked', reason: 'no trust.signatures policy with signers in moat.yaml on this host' });
      assert.ok(image.inventory, 'the server holds the inventory of the image the container runs');
      assert.ok((image.runsOn as Array<{ host: string; name: string }>).some((r) => r.host === host && r.name === web));

      // The server holds that inventory now: asked, it says so, and the next snapshot does not read that image again
      // (other tests' containers on this shared engine may bring images it has not seen).
      const asked = await api(server.url, tokens.agent, 'POST', '/api/v1/images/missing', { images: [{ digest: riskyId, layers: [] }] });
      assert.deepEqual(asked.json, { missing: [] });
      const again = await runMoat(agent('once', ['--once']), { cwd: work, timeoutMs: 120_000 });
      assert.equal(again.code, 0, again.stderr);
      const [, images, sent] = /\((\d+) images?, (\d+) inventor/.exec(again.stderr) ?? [];
      assert.ok(Number(sent) < Number(images), again.stderr);
    });

    test('the long-running agent sends watch alerts as they happen, and stops on SIGTERM with nothing left over', async () => {
      const since = new Date(Date.now() - 1000).toISOString();
      let late = '';
      const loop = await runMoat(agent('stream', ['--interval', '10m', '--alert-batch', '1s']), {
        cwd: work,
        timeoutMs: 120_000,
        onSpawn: (kill, stderr) => {
          void (async () => {
            await until('the agent to follow watch alerts', async () => stderr().includes('following watch alerts'), 60_000);
            // No USER, no limits, default bridge: a start the container rules flag.
            const name = await containers.make('stream', [], { image: IMAGES.plain });
            late = name;
            await until('the alert on the server', async () => {
              const a = await api(server.url, tokens.viewer, 'GET', `/api/v1/alerts?since=${since}`);
              return (a.json.alerts as Array<{ host: string; message: string }>).some((x) => x.host === host && x.message.includes(name));
            }, 30_000);
            kill('SIGTERM');
          })().catch(() => kill('SIGKILL'));
        },
      });
      assert.equal(loop.code, 0, loop.stderr);
      assert.ok(late !== '');
      assert.match(loop.stderr, /snapshot [0-9a-f]{12}: \d+ images?/);
      assert.deepEqual(documents(join(work, 'stream')), [], 'everything was sent before the agent stopped');
      const alerts = (await read(`/api/v1/alerts?since=${since}`)).alerts as Array<{ host: string; kind: string; message: string }>;
      assert.ok(alerts.some((a) => a.host === host && a.kind === 'finding' && a.message.includes(late)), JSON.stringify(alerts.map((a) => a.message)));
    });

    test('a wrong token: exit 2 and one line with the server\'s 401; another host\'s token: its 403', async () => {
      const wrong = await runMoat(agent('wrong', ['--once'], `${tokens.agent}x`), { cwd: work, timeoutMs: 60_000 });
      assert.equal(wrong.code, 2, wrong.stderr);
      assert.deepEqual(lines(wrong).length, 1, wrong.stderr);
      assert.match(wrong.stderr, new RegExp(`^moat: ${server.url} refused POST /api/v1/images/missing: HTTP 401: `));
      assert.ok(!wrong.stderr.includes(tokens.agent as string), 'the token is not printed');

      const other = await runMoat(agent('other', ['--once'], tokens.other), { cwd: work, timeoutMs: 60_000 });
      assert.equal(other.code, 2, other.stderr);
      assert.deepEqual(lines(other).length, 1, other.stderr);
      assert.match(other.stderr, /HTTP 403: .*agent-e2e/);
    });

    test('a report the server refuses for good (413 too large even in parts, its audit alone over the limit): dropped from the buffer, exit 3 with the server\'s reason', async () => {
      const run = await runMoat(agent('too-large', ['--once'], tokens.small), { cwd: work, timeoutMs: 120_000 });
      assert.equal(run.code, 3, run.stderr);
      assert.equal(lines(run).length, 1, run.stderr);
      assert.match(run.stderr, /refused POST \/api\/v1\/reports: HTTP 413: /);
      assert.deepEqual(documents(join(work, 'too-large')), [], 'not kept: it would be refused forever');
    });

    test('the server down: the agent buffers reports and alerts, is restarted, and the server gets every one once it is back', async () => {
      const buffer = join(work, 'outage');
      await server.close();

      const once = await runMoat(agent('outage', ['--once']), { cwd: work, timeoutMs: 120_000 });
      assert.equal(once.code, 3, once.stderr);
      assert.equal(lines(once).length, 1, once.stderr);
      assert.match(once.stderr, /cannot reach .*connection refused.*: the report waits in .*outage and is sent by the next agent run/);
      assert.equal(documents(buffer, 'report').length, 1);

      // The long-running agent: a snapshot, then a container started with a risky setting raises a watch alert.
      let late = '';
      const loop = await runMoat(agent('outage', ['--interval', '10m', '--alert-batch', '1s']), {
        cwd: work,
        timeoutMs: 120_000,
        onSpawn: (kill, stderr) => {
          void (async () => {
            await until('the agent to follow watch alerts', async () => stderr().includes('following watch alerts'), 60_000);
            late = await containers.make('late', ['--cap-add', 'SYS_ADMIN'], { image: IMAGES.plain });
            await until('an alert batch in the buffer', async () => documents(buffer, 'alerts').length > 0, 30_000);
            kill('SIGTERM');
          })().catch(() => kill('SIGKILL'));
        },
      });
      assert.equal(loop.code, 0, loop.stderr);
      assert.match(loop.stderr, /cannot reach .*connection refused/);
      assert.match(loop.stderr, /documents? kept in .*outage: sent when the agent starts again/);
      assert.equal(documents(buffer, 'report').length, 2, 'both snapshots wait');
      assert.ok(documents(buffer, 'alerts').length >= 1);

      await restart();
      const since = new Date(Date.now() - 600_000).toISOString();
      const back = await runMoat(agent('outage', ['--once']), { cwd: work, timeoutMs: 120_000 });
      assert.equal(back.code, 0, back.stderr);
      assert.deepEqual(documents(buffer), [], 'every buffered document was taken');
      const alerts = (await read(`/api/v1/alerts?since=${since}`)).alerts as Array<{ host: string; kind: string; message: string }>;
      assert.ok(alerts.some((a) => a.host === host && a.message.includes(late)), `an alert naming ${late} in ${JSON.stringify(alerts.map((a) => a.message))}`);
    });

    test('an answer lost after the server stored the report: the agent sends it again, and it is stored once', async () => {
      let cuts = 0;
      const proxy = await startFaultProxy(port, (req) => (req.url === '/api/v1/reports' && cuts++ === 0 ? { kind: 'partial', bytes: 1, cut: true } : { kind: 'pass' }));
      try {
        const buffer = join(work, 'lost');
        const first = await runMoat(['agent', '--server', `http://${proxy.host}`, '--token', tokens.agent as string, '--host', host, '--buffer', buffer, '--once'], { cwd: work, timeoutMs: 120_000 });
        assert.equal(first.code, 3, first.stderr);
        assert.match(first.stderr, /broke off its answer|socket hang up|ECONNRESET/);
        const [kept] = documents(buffer, 'report');
        assert.ok(kept);
        const id = /-report-([0-9a-f]{64})\.json\.gz$/.exec(kept)?.[1];
        const hostNow = ((await read('/api/v1/hosts')).hosts as Array<{ name: string; lastReport: string }>).find((h) => h.name === host);
        assert.equal(hostNow?.lastReport, id, 'the server stored the report whose answer was lost');

        const second = await runMoat(['agent', '--server', `http://${proxy.host}`, '--token', tokens.agent as string, '--host', host, '--buffer', buffer, '--once'], { cwd: work, timeoutMs: 120_000 });
        assert.equal(second.code, 0, second.stderr);
        assert.deepEqual(documents(buffer), []);
        assert.equal(proxy.seen.filter((l) => l === 'POST /api/v1/reports').length, 3, 'the lost one, its replay, the new one');
      } finally {
        await proxy.close();
      }
    });

    if (kind === 'postgres') {
      test('the database down: the server answers 503 with Retry-After, the agent keeps the report and sends it when the database is back', async () => {
        const buffer = join(work, 'db-down');
        store.cluster?.stop();
        let down: Run;
        try {
          down = await runMoat(agent('db-down', ['--once']), { cwd: work, timeoutMs: 120_000 });
        } finally {
          store.cluster?.start();
        }
        assert.equal(down.code, 3, down.stderr);
        assert.equal(lines(down).length, 1, down.stderr);
        assert.match(down.stderr, /HTTP 503: .*the report waits in .*db-down/);
        assert.equal(documents(buffer, 'report').length, 1);
        const up = await until('the server to take reports again', async () => {
          const r = await runMoat(agent('db-down', ['--once']), { cwd: work, timeoutMs: 120_000 });
          return r.code === 0 ? r : undefined;
        }, 60_000);
        assert.match(up.stderr, /stored by/);
        assert.deepEqual(documents(buffer), []);
      });
    }

    if (kind === 'embedded') {
      test('a TLS server: trusted through --ca; without it, one line saying so', async () => {
        const tls = await makeTlsSet(join(work, 'tls'));
        const secure = await startServer({
          listen: '127.0.0.1:0',
          data: join(work, 'tls-data'),
          vulnDb: join(work, 'tls-osv.sqlite'),
          tlsCert: tls.server.cert,
          tlsKey: tls.server.key,
          rematchCheckSeconds: 60,
          pollSeconds: 1,
          migrateCommand: 'moat serve migrate',
          log: () => {},
        });
        try {
          assert.match(secure.url, /^https:/);
          const token = (await createToken(secure.store, { role: 'agent', host })).secret;
          const base = ['agent', '--server', secure.url, '--token', token, '--host', host, '--once'];
          const untrusted = await runMoat([...base, '--buffer', join(work, 'tls-untrusted')], { cwd: work, timeoutMs: 120_000 });
          assert.equal(untrusted.code, 3, untrusted.stderr);
          assert.equal(lines(untrusted).length, 1, untrusted.stderr);
          assert.match(untrusted.stderr, /TLS certificate is not trusted .*--ca FILE/);
          const trusted = await runMoat([...base, '--buffer', join(work, 'tls-trusted'), '--ca', tls.server.ca], { cwd: work, timeoutMs: 120_000 });
          assert.equal(trusted.code, 0, trusted.stderr);
          assert.match(trusted.stderr, new RegExp(`stored by ${secure.url}`));
        } finally {
          await secure.close();
        }
      });
    }
  });
}

test('a full buffer drops the oldest report and says so; the next report carries the count to the server', async () => {
  const work = mkdtempSync(join(tmpdir(), 'moat-agent-drop-'));
  try {
    const buffer = join(work, 'buffer');
    // Nothing listens on port 9 of loopback (discard, never served here): the server is away.
    const run = (): Promise<Run> => runMoat(['agent', '--server', 'http://127.0.0.1:9', '--token', 'moat_test_token_0000', '--host', 'drop-test', '--buffer', buffer, '--buffer-max', '2', '--once'], { cwd: work, timeoutMs: 120_000 });
    for (let i = 0; i < 2; i++) assert.equal((await run()).code, 3);
    const full = await run();
    assert.equal(full.code, 3, full.stderr);
    assert.match(full.stderr, /^moat: warning: the buffer .*buffer is full: dropped the oldest report \(\d+ bytes\); 1 report\(s\) and 0 alert batch\(es\) dropped since \d{4}-/m);
    assert.match(full.stderr, /cannot reach .*the report waits in/);
    const names = documents(buffer, 'report');
    assert.equal(names.length, 2);
    const carried = (): unknown => (JSON.parse(gunzipSync(readFileSync(join(buffer, documents(buffer, 'report').at(-1) as string))).toString()) as { dropped?: unknown }).dropped;
    assert.equal(carried(), undefined, 'the report built before the drop has nothing to tell');
    assert.equal((await run()).code, 3);
    const told = (carried()) as { reports: number; alertBatches: number; bytes: number; since: string };
    assert.equal(told.reports, 1);
    assert.equal(told.alertBatches, 0);
    assert.ok(told.bytes > 0);
    assert.match(told.since, /^\d{4}-\d\d-\d\dT/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
