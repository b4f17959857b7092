/**
 * moat serve end to end, on both stores (embedded PGlite, and a PostgreSQL 15 cluster
 * the test starts): tokens, a pushed report built from a real `moat audit` of this
 * machine's engine, the API, restart, the fault table, re-matching after a database
 * update.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createRequire } from 'node:module';
import { ensureTestImages, IMAGES, TestContainers } from '../../test/support/engine.ts';
import { startRegistry } from '../../test/support/registry.ts';
import { dockerPush } from '../../test/support/registry-images.ts';
import { createToken } from './tokens.ts';
import type { RunningServer } from './server.ts';
import { advisory, api, type Answer, debPackage, DEBIAN, digestOf, importAdvisories, makeStore, realAudit, reportDoc, runServer, until, type StoreHandle, type StoreKind } from './test-support/harness.ts';

const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => unknown;

for (const kind of ['embedded', 'postgres'] as StoreKind[]) {
  describe(`moat serve on the ${kind} store`, () => {
    let store: StoreHandle;
    let server: RunningServer;
    const tokens: Record<string, string> = {};
    let audit: Record<string, unknown>;
    let containerFinding: { ruleId: string; subject: { kind: string; name?: string } } | undefined;
    const imageA = digestOf(0xa1);
    const containers = new TestContainers(`serve-${kind}`);

    before(async () => {
      // A container running as root on this engine: the audit has a container finding to look up.
      await ensureTestImages();
      const name = await containers.make('root', [], { image: IMAGES.plain });
      audit = realAudit();
      containerFinding = (audit.findings as Array<{ ruleId: string; subject: { kind: string; name?: string } }>).find((f) => f.subject.kind === 'container' && f.subject.name === name);
      store = await makeStore(kind);
      // One advisory for a package no image holds: the database exists, and hits nothing yet.
      await importAdvisories(store.vulnDb, [advisory('DSA-0001-1', 'CVE-2026-0001', 'zlib', '1:1.3-1')]);
      server = await runServer(store);
      for (const [name, opts] of Object.entries({
        admin: { role: 'admin' as const },
        viewer: { role: 'viewer' as const },
        agent: { role: 'agent' as const, host: 'host-a' },
        agentB: { role: 'agent' as const, host: 'host-b' },
        small: { role: 'agent' as const, host: 'host-a', maxBodyBytes: 4096 },
        expired: { role: 'viewer' as const, expiresInMs: 60_000, now: new Date(Date.now() - 120_000) },
        slow: { role: 'viewer' as const, ratePerMinute: 2 },
      })) {
        tokens[name] = (await createToken(server.store, opts)).secret;
      }
    });
    after(async () => {
      await server?.close();
      store?.destroy();
      await containers.cleanup();
    });

    test('a pushed report is stored once and read back: hosts, findings naming the container', async () => {
      assert.ok(containerFinding, 'the real audit must have a container finding (the tests start containers on this engine)');
      const images = [{ digest: imageA, references: ['example.test/app:1'], layers: [digestOf(0xb1)], inventory: { os: DEBIAN, packages: [debPackage('libssl3', '3.0.11-1~deb12u2', 'openssl'), debPackage('bash', '5.2.15-2+b2')] } }];
      const missing = await api(server.url, tokens.agent, 'POST', '/api/v1/images/missing', { images: [{ digest: imageA, layers: [] }] });
      assert.deepEqual(missing.json, { missing: [imageA] });
      const doc = reportDoc('host-a', 'report-1', { audit, images });
      const first = await api(server.url, tokens.agent, 'POST', '/api/v1/reports', doc);
      assert.equal(first.status, 202, JSON.stringify(first.json));
      assert.deepEqual(first.json, { stored: true });
      const replay = await api(server.url, tokens.agent, 'POST', '/api/v1/reports', doc);
      assert.equal(replay.status, 200);
      assert.deepEqual(replay.json, { stored: false, duplicate: true });
      const identity = await api(server.url, tokens.agent, 'POST', '/api/v1/reports', doc, { gzip: false });
      assert.equal(identity.status, 200, 'an identity-encoded replay is a replay too');

      const hosts = await api(server.url, tokens.viewer, 'GET', '/api/v1/hosts');
      assert.equal(hosts.status, 200);
      const list = hosts.json.hosts as Array<{ name: string; lastSeen: string; daemonVersion: string; bySeverity: Record<string, number> }>;
      assert.deepEqual(list.map((h) => h.name), ['host-a']);
      const target = audit.target as { engineVersion: string };
      assert.equal(list[0]?.daemonVersion, target.engineVersion);
      const summary = audit.summary as { bySeverity: Record<string, number> };
      assert.deepEqual(list[0]?.bySeverity, summary.bySeverity);
      assert.ok(Date.now() - Date.parse(list[0]?.lastSeen as string) < 60_000);

      const rule = containerFinding?.ruleId as string;
      const findings = await api(server.url, tokens.viewer, 'GET', `/api/v1/findings?host=host-a&rule=${rule}&limit=1000`);
      assert.equal(findings.status, 200);
      const rows = findings.json.findings as Array<{ finding: { ruleId: string; subject: { kind: string; name?: string } } }>;
      const expected = (audit.findings as Array<{ ruleId: string }>).filter((f) => f.ruleId === rule).length;
      assert.equal(rows.length, expected);
      assert.ok(rows.every((r) => r.finding.ruleId === rule && r.finding.subject.kind === 'container'));
      assert.ok(rows.some((r) => r.finding.subject.name === containerFinding?.subject.name));

      const again = await api(server.url, tokens.agent, 'POST', '/api/v1/images/missing', { images: [{ digest: imageA, layers: [] }, { digest: digestOf(0xa2), layers: [] }] });
      assert.deepEqual(again.json, { missing: [digestOf(0xa2)] });
    });

    test('paging walks every finding once', async () => {
      const all = await api(server.url, tokens.viewer, 'GET', '/api/v1/findings?host=host-a&limit=1000');
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Answer = await api(server.url, tokens.viewer, 'GET', `/api/v1/findings?host=host-a&limit=37${cursor ? `&cursor=${cursor}` : ''}`);
        ids.push(...(page.json.findings as Array<{ id: string }>).map((f) => f.id));
        cursor = page.json.next as string | null;
      } while (cursor !== null);
      assert.deepEqual(ids, (all.json.findings as Array<{ id: string }>).map((f) => f.id));
      assert.equal(new Set(ids).size, ids.length);
    });

    test('401 without, with a wrong or an expired token; 403 for another host or the wrong role', async () => {
      const doc = reportDoc('host-a', 'report-auth', { audit });
      const none = await api(server.url, undefined, 'GET', '/api/v1/hosts');
      assert.equal(none.status, 401);
      assert.match(none.json.error as string, /no token/);
      assert.equal((await api(server.url, 'moat_000000000000_wrong', 'GET', '/api/v1/hosts')).status, 401);
      const expired = await api(server.url, tokens.expired, 'GET', '/api/v1/hosts');
      assert.equal(expired.status, 401);
      assert.match(expired.json.error as string, /expired/);
      const other = await api(server.url, tokens.agentB, 'POST', '/api/v1/reports', doc);
      assert.equal(other.status, 403);
      assert.match(other.json.error as string, /host-b/);
      assert.equal((await api(server.url, tokens.viewer, 'POST', '/api/v1/reports', doc)).status, 403, 'a viewer does not push');
      assert.equal((await api(server.url, tokens.agent, 'GET', '/api/v1/hosts')).status, 403, 'an agent does not read the fleet');
      const triage = { scope: 'host', target: 'host-a', ruleId: 'container-root-user', reason: 'accepted for the test', expires: '30d' };
      assert.equal((await api(server.url, tokens.viewer, 'POST', '/api/v1/triage', triage)).status, 403, 'a viewer does not triage');
      assert.equal((await api(server.url, tokens.admin, 'POST', '/api/v1/triage', triage)).status, 201);
      const covered = await api(server.url, tokens.viewer, 'GET', '/api/v1/findings?host=host-a&rule=container-root-user&limit=1');
      assert.equal((covered.json.findings as Array<{ triage: { reason: string } | null }>)[0]?.triage?.reason, 'accepted for the test');
      // Per-token rate: the third request of a token allowed two a minute waits.
      assert.equal((await api(server.url, tokens.slow, 'GET', '/api/v1/hosts')).status, 200);
      assert.equal((await api(server.url, tokens.slow, 'GET', '/api/v1/hosts')).status, 200);
      const limited = await api(server.url, tokens.slow, 'GET', '/api/v1/hosts');
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal((await api(server.url, tokens.viewer, 'GET', '/api/v1/hosts')).status, 200, 'other tokens are not limited by it');
      // Every write is logged with who, what and when, refused ones included.
      const log = await server.store.query<{ token_id: string; action: string; status: number }>(`SELECT token_id, action, status FROM write_log ORDER BY id`);
      assert.ok(log.some((l) => l.action === 'POST /api/v1/triage' && l.status === 201));
      assert.ok(log.some((l) => l.action === 'POST /api/v1/reports' && l.status === 202));
    });

    test('400 names the field; 413 for an oversized body or a gzip bomb', async () => {
      const bad = reportDoc('host-a', 'report-bad', { audit, images: [{ digest: 'sha256:nothex', references: [], layers: [] }] });
      const malformed = await api(server.url, tokens.agent, 'POST', '/api/v1/reports', bad);
      assert.equal(malformed.status, 400);
      assert.match(malformed.json.error as string, /report\.images\[0\]\.digest/);
      const notJson = await api(server.url, tokens.agent, 'POST', '/api/v1/reports', undefined, { raw: Buffer.from('{"schema":'), headers: { 'content-type': 'application/json' } });
      assert.equal(notJson.status, 400);
      const big = await api(server.url, tokens.small, 'POST', '/api/v1/reports', reportDoc('host-a', 'report-big', { audit }), { gzip: false });
      assert.equal(big.status, 413);
      const bomb = gzipSync(Buffer.alloc(1 << 20, 0x20));
      assert.ok(bomb.length < 4096);
      const unpacked = await api(server.url, tokens.small, 'POST', '/api/v1/reports', undefined, { raw: bomb, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      assert.equal(unpacked.status, 413);
      const stored = await server.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM reports WHERE id IN ('report-bad', 'report-big')`);
      assert.equal(stored[0]?.n, 0);
    });

    test('an advisory imported into the database raises an alert for the running image it newly hits', async () => {
      await until('the inventory matched', async () => {
        const rows = await server.store.query<{ g: string | null }>('SELECT matched_generation AS g FROM images WHERE digest = $1', [imageA]);
        return rows[0]?.g != null;
      });
      await until('the first re-match recorded', async () => (await server.store.query('SELECT 1 FROM vuln_state')).length > 0);
      const before = await api(server.url, tokens.viewer, 'GET', `/api/v1/images/${imageA}`);
      assert.equal((before.json.vulnerabilities as unknown[]).length, 0);
      await importAdvisories(store.vulnDb, [advisory('DSA-0002-1', 'CVE-2026-0002', 'openssl', '3.0.15-1~deb12u1')]);
      const alert = await until('the re-match alert', async () => {
        const a = await api(server.url, tokens.viewer, 'GET', '/api/v1/alerts');
        return (a.json.alerts as Array<{ source: string; host: string; image: string; vulnerability: string; message: string }>).find((x) => x.source === 'rematch');
      });
      assert.equal(alert.host, 'host-a');
      assert.equal(alert.image, imageA);
      assert.equal(alert.vulnerability, 'CVE-2026-0002');
      assert.match(alert.message, /example\.test\/app:1/);
      const after = await api(server.url, tokens.viewer, 'GET', `/api/v1/images/${imageA}`);
      const vulns = after.json.vulnerabilities as Array<{ vulnerability: { id: string; package: { name: string } } }>;
      assert.deepEqual(vulns.map((v) => [v.vulnerability.id, v.vulnerability.package.name]), [['CVE-2026-0002', 'libssl3']]);
      const byCve = await api(server.url, tokens.viewer, 'GET', '/api/v1/findings?cve=CVE-2026-0002');
      assert.deepEqual((byCve.json.findings as Array<{ host: string }>).map((f) => f.host), ['host-a']);
    });

    test('a re-match writes what changed: a new severity follows to the findings, a fixed advisory takes them away, neither alerts', async () => {
      const rematched = async (what: string): Promise<void> => {
        const before = (await server.store.query<{ generation: string }>('SELECT generation FROM vuln_state'))[0]?.generation;
        await until(what, async () => (await server.store.query<{ generation: string }>('SELECT generation FROM vuln_state'))[0]?.generation !== before);
      };
      const rematchAlerts = async (): Promise<number> =>
        (((await api(server.url, tokens.viewer, 'GET', '/api/v1/alerts')).json.alerts as Array<{ source: string }>).filter((a) => a.source === 'rematch')).length;
      const alerts = await rematchAlerts();
      const first = await api(server.url, tokens.viewer, 'GET', '/api/v1/alerts');
      const alert = (first.json.alerts as Array<{ source: string; detail: { vulnerabilities: Array<{ id: string; package: string }> } }>).find((a) => a.source === 'rematch');
      assert.deepEqual(alert?.detail.vulnerabilities.map((v) => [v.id, v.package]), [['CVE-2026-0002', 'libssl3@3.0.11-1~deb12u2']]);

      const low = { ...(advisory('DSA-0002-1', 'CVE-2026-0002', 'openssl', '3.0.15-1~deb12u1', 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N') as object), modified: '2026-12-02T00:00:00Z' };
      await importAdvisories(store.vulnDb, [low]);
      await rematched('the re-match after a severity change');
      const lowered = await api(server.url, tokens.viewer, 'GET', '/api/v1/findings?cve=CVE-2026-0002');
      assert.deepEqual((lowered.json.findings as Array<{ finding: { severity: string } }>).map((f) => f.finding.severity), ['low']);
      const lowRows = await server.store.query<{ severity: string }>('SELECT DISTINCT severity FROM host_vulns WHERE vuln_id = $1', ['CVE-2026-0002']);
      assert.deepEqual(lowRows.map((r) => r.severity), ['low']);
      assert.deepEqual((await api(server.url, tokens.viewer, 'GET', '/api/v1/findings?cve=CVE-2026-0002&severity=critical')).json.findings, []);
      // Two severities with a gap between them: the ranks in between are not listed.
      const gap = await api(server.url, tokens.viewer, 'GET', '/api/v1/findings?severity=critical,low&limit=1000');
      const seen = new Set((gap.json.findings as Array<{ finding: { severity: string } }>).map((f) => f.finding.severity));
      assert.ok(seen.has('low'), JSON.stringify([...seen]));
      assert.ok([...seen].every((x) => x === 'critical' || x === 'low'), JSON.stringify([...seen]));

      const fixed = { ...(advisory('DSA-0002-1', 'CVE-2026-0002', 'openssl', '3.0.0-1') as object), modified: '2026-12-03T00:00:00Z' };
      await importAdvisories(store.vulnDb, [fixed]);
      await rematched('the re-match after the fix');
      assert.deepEqual((await api(server.url, tokens.viewer, 'GET', '/api/v1/findings?cve=CVE-2026-0002')).json.findings, []);
      assert.deepEqual((await api(server.url, tokens.viewer, 'GET', `/api/v1/images/${imageA}`)).json.vulnerabilities, []);
      assert.equal((await server.store.query<{ n: number }>('SELECT count(*)::int AS n FROM host_vulns'))[0]?.n, 0);
      assert.equal(await rematchAlerts(), alerts, 'no alert for a severity change or a fix');
    });

    test('every answer matches the OpenAPI document; /metrics has bounded labels', async () => {
      const doc = (await api(server.url, undefined, 'GET', '/api/v1/openapi.json')).json as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };
      assert.equal(doc.openapi, '3.1.0');
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema(doc, 'openapi');
      const pointer = (...parts: string[]): string => parts.map((x) => x.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
      const check = async (token: string, method: string, path: string, route: string, body?: unknown): Promise<Answer> => {
        const answer = await api(server.url, token, method, route, body);
        const operation = doc.paths[path]?.[method.toLowerCase()];
        assert.ok(operation, `${method} ${path} is documented`);
        assert.ok(operation.responses[String(answer.status)], `${method} ${route}: status ${answer.status} is documented (${JSON.stringify(answer.json).slice(0, 200)})`);
        const schema = operation.responses[String(answer.status)]?.content?.['application/json']?.schema;
        if (schema !== undefined) {
          const validate = ajv.compile({ $ref: `openapi#/${pointer('paths', path, method.toLowerCase(), 'responses', String(answer.status), 'content', 'application/json', 'schema')}` });
          assert.ok(validate(answer.json), `${method} ${route}: ${ajv.errorsText(validate.errors)}`);
        }
        return answer;
      };
      await check(tokens.viewer as string, 'GET', '/api/v1/hosts', '/api/v1/hosts');
      await check(tokens.viewer as string, 'GET', '/api/v1/hosts/{name}', '/api/v1/hosts/host-a');
      await check(tokens.viewer as string, 'GET', '/api/v1/hosts/{name}', '/api/v1/hosts/nowhere');
      await check(tokens.viewer as string, 'GET', '/api/v1/containers', '/api/v1/containers?host=host-a');
      await check(tokens.viewer as string, 'GET', '/api/v1/images', '/api/v1/images');
      await check(tokens.viewer as string, 'GET', '/api/v1/images/{digest}', `/api/v1/images/${imageA}`);
      await check(tokens.viewer as string, 'GET', '/api/v1/findings', '/api/v1/findings?limit=500');
      await check(tokens.viewer as string, 'GET', '/api/v1/findings', '/api/v1/findings?severity=urgent');
      await check(tokens.viewer as string, 'GET', '/api/v1/history', '/api/v1/history?host=host-a&days=7');
      await check(tokens.viewer as string, 'GET', '/api/v1/alerts', '/api/v1/alerts');
      await check(tokens.viewer as string, 'GET', '/api/v1/vulnerabilities', '/api/v1/vulnerabilities?id=CVE-2026-0002');
      await check(tokens.viewer as string, 'GET', '/api/v1/jobs', '/api/v1/jobs');
      await check(tokens.viewer as string, 'GET', '/api/v1/triage', '/api/v1/triage');
      await check(tokens.admin as string, 'GET', '/api/v1/tokens', '/api/v1/tokens');
      await check(tokens.agent as string, 'POST', '/api/v1/alerts', '/api/v1/alerts', { schema: 'moat.agent-alerts/1', id: 'batch-1', host: 'host-a', alerts: [{ schemaVersion: '1.0.0', time: new Date().toISOString(), kind: 'exec', severity: 'high', message: 'a shell was started in web' }] });
      const replayed = await api(server.url, tokens.agent, 'POST', '/api/v1/alerts', { schema: 'moat.agent-alerts/1', id: 'batch-1', host: 'host-a', alerts: [] });
      assert.deepEqual(replayed.json, { stored: false, duplicate: true });
      const watchAlerts = (await api(server.url, tokens.viewer, 'GET', '/api/v1/alerts')).json.alerts as Array<{ source: string; kind: string }>;
      assert.equal(watchAlerts.filter((a) => a.source === 'watch').length, 1, 'the batch is stored once');
      const history = await check(tokens.viewer as string, 'GET', '/api/v1/history', '/api/v1/history?host=host-a');
      const today = new Date().toISOString().slice(0, 10);
      const opened = (audit.findings as unknown[]).length;
      assert.ok((history.json.days as Array<{ day: string; opened: number }>).some((d) => d.day === today && d.opened > 0 && d.opened <= opened));
      const sarif = await fetch(`${server.url}/api/v1/exports/host/host-a?format=sarif`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
      assert.equal(sarif.status, 200);
      assert.equal(((await sarif.json()) as { version: string }).version, '2.1.0');
      const cdx = await fetch(`${server.url}/api/v1/exports/image/${imageA}?format=cyclonedx`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
      assert.equal(((await cdx.json()) as { components: unknown[] }).components.length, 2);

      const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
      assert.equal(metrics.status, 200);
      const families = parsePrometheus(await metrics.text()) as Array<{ name: string; metrics: Array<{ labels?: Record<string, string> }> }>;
      const open = families.find((f) => f.name === 'moat_findings_open');
      assert.ok(open?.metrics.some((m) => m.labels?.host === 'host-a'));
      for (const f of families) {
        for (const m of f.metrics) for (const label of Object.keys(m.labels ?? {})) assert.ok(['host', 'severity', 'route', 'method', 'status', 'outcome', 'le'].includes(label), `${f.name} has an unbounded label ${label}`);
      }
      assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    });

    test('a restart keeps everything', async () => {
      const beforeHosts = await api(server.url, tokens.viewer, 'GET', '/api/v1/hosts');
      const beforeFindings = await api(server.url, tokens.viewer, 'GET', '/api/v1/findings?limit=1000');
      await server.close();
      server = await runServer(store);
      assert.deepEqual((await api(server.url, tokens.viewer, 'GET', '/api/v1/hosts')).json, beforeHosts.json);
      assert.deepEqual((await api(server.url, tokens.viewer, 'GET', '/api/v1/findings?limit=1000')).json, beforeFindings.json);
      const replay = await api(server.url, tokens.agent, 'POST', '/api/v1/reports', reportDoc('host-a', 'report-1', { audit }));
      assert.equal(replay.status, 200, 'a replay after the restart is still a replay');
    });

    if (kind === 'postgres') {
      test('a registry image scan is queued, read from the registry, stored and listed', async () => {
        const registry = await startRegistry();
        try {
          const reference = `${registry.host}/moat-serve/plain:1`;
          await dockerPush(IMAGES.plain, reference);
          const queued = await api(server.url, tokens.admin, 'POST', '/api/v1/scans', { reference });
          assert.equal(queued.status, 202, JSON.stringify(queued.json));
          assert.equal((await api(server.url, tokens.viewer, 'POST', '/api/v1/scans', { reference })).status, 403);
          const image = await until('the scanned image stored', async () => {
            const list = (await api(server.url, tokens.viewer, 'GET', '/api/v1/images')).json.images as Array<{ digest: string; references: string[]; inventory: boolean }>;
            return list.find((i) => i.references.includes(reference) && i.inventory);
          });
          const id = (await import('node:child_process')).execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', IMAGES.plain], { encoding: 'utf8' }).trim();
          assert.equal(image.digest, id, 'stored under the image id (config digest), as agents report it');
          const jobs = (await api(server.url, tokens.viewer, 'GET', '/api/v1/jobs')).json.jobs as Array<{ queue: string; state: string }>;
          assert.ok(jobs.some((j) => j.queue === 'moat-scan-image' && j.state === 'completed'));
        } finally {
          await registry.stop();
        }
      });

      test('503 with Retry-After while the database is down, then stored when it is back', async () => {
        store.cluster?.stop();
        try {
          const down = await api(server.url, tokens.agent, 'POST', '/api/v1/reports', reportDoc('host-a', 'report-outage', { audit }));
          assert.equal(down.status, 503);
          assert.ok(Number(down.headers.get('retry-after')) > 0);
          assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
        } finally {
          store.cluster?.start();
        }
        const back = await until('the database back', async () => {
          const r = await api(server.url, tokens.agent, 'POST', '/api/v1/reports', reportDoc('host-a', 'report-outage', { audit }));
          return r.status === 503 ? undefined : r;
        });
        assert.equal(back.status, 202);
      });
    }
  });
}
