/**
 * What `moat agent` reads from the real engine for one snapshot: the images its running
 * containers use (id, references, layers as the engine lists them), the audit document
 * `moat audit --format json` prints, and the inventory `moat sbom --format json` prints,
 * built only for the images asked for.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../src/doors/engine/client.ts';
import { EngineReader } from '../src/doors/engine/reader.ts';
import { auditRules } from '../src/knowledge/rules/audit-command-rules.ts';
import { loadConfig } from '../src/doors/config/load.ts';
import { addInventories, auditDocument, finishReport, type ReportImage } from '../src/features/agent/snapshot.ts';
import { docker, ensureTestImages, HARDENED_FLAGS, IMAGES, TestContainers } from './support/engine.ts';
import { runMoat } from './support/moat-cli.ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../src/server/openapi.ts';
import { checkReport } from '../src/server/report-shape.ts';

const containers = new TestContainers('agent-snap');
let client: EngineClient;
let cwd: string;

before(async () => {
  await ensureTestImages();
  await containers.make('plain', HARDENED_FLAGS, { image: IMAGES.plain });
  await containers.make('risky', HARDENED_FLAGS, { image: IMAGES.risky });
  await containers.make('risky-2', HARDENED_FLAGS, { image: IMAGES.risky });
  client = await EngineClient.connect();
  cwd = mkdtempSync(join(tmpdir(), 'moat-agent-snap-'));
});
after(async () => {
  client?.close();
  await containers.cleanup();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

test('each running container is listed with the image it runs; each image once, with the id, tags and layers the engine holds', async () => {
  const { containers: running, images } = await new EngineReader(client).running();
  const risky = JSON.parse(await docker('image', 'inspect', '--format', '{{json .Id}}', IMAGES.risky)) as string;
  for (const name of ['risky', 'risky-2']) {
    const c = running.find((r) => r.name === `${containers.prefix}-${name}`);
    assert.deepEqual(c && { image: c.image, imageDigest: c.imageDigest, state: c.state }, { image: IMAGES.risky, imageDigest: risky, state: 'running' });
  }
  for (const ref of [IMAGES.plain, IMAGES.risky]) {
    const [inspect] = JSON.parse(await docker('image', 'inspect', ref)) as Array<{ Id: string; RepoTags: string[]; RootFS: { Layers: string[] } }>;
    const listed = images.filter((i) => i.digest === inspect?.Id);
    assert.equal(listed.length, 1, `${ref} listed once though two containers run it`);
    assert.deepEqual(listed[0]?.layers, inspect?.RootFS.Layers);
    assert.ok((listed[0]?.layers.length ?? 0) > 0);
    for (const t of inspect?.RepoTags ?? []) assert.ok(listed[0]?.references.includes(t), `${ref}: reference ${t}`);
  }
  const stopped = await docker('create', '--label', 'dev.moat.test=1', IMAGES.hardened);
  try {
    const again = (await new EngineReader(client).running()).images;
    const hardened = JSON.parse(await docker('image', 'inspect', '--format', '{{json .Id}}', IMAGES.hardened)) as string;
    const runningHardened = (await docker('ps', '--filter', `ancestor=${IMAGES.hardened}`, '--format', '{{.ID}}')).trim() !== '';
    assert.equal(again.some((i) => i.digest === hardened), runningHardened, 'a created, never started container\'s image is not the running set\'s');
  } finally {
    await docker('rm', '-f', stopped);
  }
});

test('the audit document is the one `moat audit --format json` prints (times aside)', async () => {
  const config = loadConfig({ cwd, rules: auditRules });
  const doc = (await auditDocument({ client, rules: auditRules, config, env: process.env })) as Record<string, unknown>;
  const cli = await runMoat(['audit', '--format', 'json', '--fail-on', 'none'], { cwd, timeoutMs: 60_000 });
  assert.equal(cli.code, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc), Object.keys(printed), 'same keys, same order');
  // Other tests' containers come and go on a shared engine between the two audits: compare this test's own.
  type Doc = { findings: Array<{ ruleId: string; severity: string; subject: { name?: string } }>; checks: Array<{ ruleId: string }> };
  const ours = (d: unknown): string[] =>
    (d as Doc).findings.filter((f) => (f.subject.name ?? '').replace(/^\//, '').startsWith(containers.prefix)).map((f) => `${f.ruleId} ${f.subject.name} ${f.severity}`).sort();
  assert.ok(ours(doc).length > 0, 'the test containers have findings');
  assert.deepEqual(ours(doc), ours(printed));
  assert.deepEqual((doc as Doc).checks.map((c) => c.ruleId), (printed as Doc).checks.map((c) => c.ruleId));
  assert.equal(doc.command, 'audit');
});

test('inventories are built only for the images asked for, and are `moat sbom --format json` documents', async () => {
  const images: ReportImage[] = (await new EngineReader(client).running()).images;
  const risky = images.find((i) => i.references.includes(IMAGES.risky));
  assert.ok(risky);
  const problems = await addInventories(images, new Set([risky.digest]), { client });
  assert.deepEqual(problems, []);
  assert.deepEqual(images.filter((i) => i.inventory !== undefined).map((i) => i.digest), [risky.digest]);
  const cli = await runMoat(['sbom', '--format', 'json', risky.digest], { cwd, timeoutMs: 60_000 });
  assert.equal(cli.code, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as Record<string, unknown>;
  assert.deepEqual({ ...(risky.inventory as object), createdAt: 0 }, { ...printed, createdAt: 0 });
  assert.equal((risky.inventory as { image: { id: string } }).image.id, risky.digest);
});

test('an image removed before its inventory is read is a problem named in the report, not a failed round', async () => {
  const problems = await addInventories([{ digest: 'sha256:' + '0'.repeat(64), references: ['gone:1'], layers: [] }], new Set(['sha256:' + '0'.repeat(64)]), { client });
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^inventory of gone:1: .*no image/);
});

test('the report id is its content\'s hash: the same content gives the same id whenever it is sent; any change gives another', () => {
  const parts = { host: 'web-1', audit: { findings: [] }, containers: [], images: [{ digest: 'sha256:' + 'a'.repeat(64), references: ['x:1'], layers: ['sha256:' + 'b'.repeat(64)] }] };
  const a = finishReport(parts, new Date('2026-01-01T00:00:00Z'));
  const b = finishReport(structuredClone(parts), new Date('2026-06-01T00:00:00Z'));
  assert.match(a.id, /^[0-9a-f]{64}$/);
  assert.equal(a.id, b.id);
  assert.notEqual(a.sentAt, b.sentAt);
  assert.notEqual(finishReport({ ...parts, host: 'web-2' }).id, a.id);
  assert.notEqual(finishReport({ ...parts, dropped: { reports: 1, alertBatches: 0, bytes: 10 } }).id, a.id);
  assert.equal(a.schema, 'moat.agent-report/1');
});

test('a whole report from this engine is what the server\'s contract asks for: its OpenAPI schema and its own parser accept it', async () => {
  const config = loadConfig({ cwd, rules: auditRules });
  const { containers: running, images } = await new EngineReader(client).running();
  const wanted: ReportImage[] = images;
  const risky = wanted.find((i) => i.references.includes(IMAGES.risky));
  assert.ok(risky);
  assert.deepEqual(await addInventories(wanted, new Set([risky.digest]), { client }), []);
  const report = finishReport({ host: 'web-1', audit: await auditDocument({ client, rules: auditRules, config, env: process.env }), images: wanted, containers: running, dropped: { reports: 1, alertBatches: 2, bytes: 300, since: new Date().toISOString() } });
  const wire = JSON.parse(JSON.stringify(report)) as unknown;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(openApiDocument(), 'openapi');
  const validate = ajv.compile({ $ref: 'openapi#/components/schemas/AgentReport' });
  assert.ok(validate(wire), ajv.errorsText(validate.errors));
  assert.doesNotThrow(() => checkReport(wire));
});
