/**
 * `moat db update` against a real HTTP server on 127.0.0.1 serving zips the test builds:
 * conditional requests, resumed downloads, failures that leave the database as it was.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { MoatError } from '../../../util/errors.ts';
import { bulkRecord } from '../test-support/osv-generator.ts';
import { tempDir } from '../test-support/temp.ts';
import { ZipWriter } from '../test-support/zip-writer.ts';
import { updateDatabase } from './update.ts';
import { VulnDatabase } from './vuln-database.ts';

const dir = tempDir('update');
let zipCount = 0;

function buildZip(records: number, offset = 0): Buffer {
  const file = path.join(dir, `src${zipCount++}.zip`);
  const zip = new ZipWriter(file);
  for (let i = offset; i < offset + records; i++) {
    const r = bulkRecord(i);
    zip.add(`${r.id}.json`, JSON.stringify(r));
  }
  zip.close();
  return readFileSync(file);
}

interface Served {
  body: Buffer;
  lastModified: string;
  /** Cut the connection after this many bytes on the next full response. */
  cutAfter?: number;
}

const archives = new Map<string, Served>();
const log: Array<{ url: string; headers: IncomingMessage['headers']; status: number }> = [];

function etagOf(b: Buffer): string {
  return `"${createHash('sha256').update(b).digest('hex').slice(0, 16)}"`;
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const served = archives.get(decodeURIComponent(req.url ?? ''));
  const entry = { url: req.url ?? '', headers: req.headers, status: 0 };
  log.push(entry);
  const send = (status: number, headers: Record<string, string | number> = {}, body?: Buffer): void => {
    entry.status = status;
    res.writeHead(status, headers);
    res.end(body);
  };
  if (served === undefined) return send(404);
  const etag = etagOf(served.body);
  const common = { etag, 'last-modified': served.lastModified, 'accept-ranges': 'bytes' };
  if (req.headers['if-none-match'] === etag) return send(304, common);
  const range = /^bytes=(\d+)-$/.exec(req.headers['range'] ?? '');
  if (range !== null && req.headers['if-range'] === etag) {
    const start = Number(range[1]);
    const rest = served.body.subarray(start);
    return send(206, { ...common, 'content-range': `bytes ${start}-${served.body.length - 1}/${served.body.length}`, 'content-length': rest.length }, rest);
  }
  if (served.cutAfter !== undefined) {
    const cut = served.cutAfter;
    served.cutAfter = undefined;
    entry.status = 200;
    res.writeHead(200, { ...common, 'content-length': served.body.length });
    res.write(served.body.subarray(0, cut), () => res.destroy());
    return;
  }
  send(200, { ...common, 'content-length': served.body.length }, served.body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => server.close());
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/osv`;

test('downloads each ecosystem, then fetches nothing while ETag and Last-Modified are unchanged', async () => {
  const file = path.join(dir, 'a', 'osv.sqlite');
  archives.set('/osv/npm/all.zip', { body: buildZip(200), lastModified: 'Mon, 30 Nov 2026 10:00:00 GMT' });
  archives.set('/osv/Rocky Linux/all.zip', { body: buildZip(50, 1000), lastModified: 'Mon, 30 Nov 2026 11:00:00 GMT' });
  const progress: string[] = [];
  const first = await updateDatabase(file, { source: base, ecosystems: ['npm', 'Rocky Linux'], onProgress: (p) => progress.push(p.phase) });
  assert.deepEqual(first.ecosystems.map((e) => [e.ecosystem, e.status, e.stats?.records]), [['npm', 'updated', 200], ['Rocky Linux', 'updated', 50]]);
  assert.ok(progress.includes('download'));
  const db = VulnDatabase.open(file);
  const sources = db.sources();
  db.close();
  assert.deepEqual(sources.map((s) => [s.name, s.dataTime]), [['update:Rocky Linux', '2026-11-30T11:00:00.000Z'], ['update:npm', '2026-11-30T10:00:00.000Z']]);
  const before = readFileSync(file);

  log.length = 0;
  const second = await updateDatabase(file, { source: base, ecosystems: ['npm', 'Rocky Linux'] });
  assert.deepEqual(second.ecosystems.map((e) => [e.status, e.downloaded]), [['unchanged', 0], ['unchanged', 0]]);
  assert.deepEqual(log.map((l) => [l.status, l.headers['if-none-match'] !== undefined, l.headers['if-modified-since']]), [
    [304, true, 'Mon, 30 Nov 2026 10:00:00 GMT'],
    [304, true, 'Mon, 30 Nov 2026 11:00:00 GMT'],
  ]);
  assert.deepEqual(readFileSync(file), before, 'an unchanged update leaves the file alone');

  archives.set('/osv/npm/all.zip', { body: buildZip(120, 5000), lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT' });
  const third = await updateDatabase(file, { source: base, ecosystems: ['npm', 'Rocky Linux'] });
  assert.deepEqual(third.ecosystems.map((e) => e.status), ['updated', 'unchanged']);
  const after3 = VulnDatabase.open(file);
  const st = after3.status(0);
  after3.close();
  assert.equal(st.advisories, 170, 'npm replaced by its new archive, Rocky Linux kept');
  assert.equal(readdirSync(path.join(dir, 'a', 'downloads')).length, 0, 'imported archives are removed');
});

test('an interrupted download fails cleanly, keeps the old database, and resumes where it stopped', async () => {
  const file = path.join(dir, 'b', 'osv.sqlite');
  archives.set('/osv/PyPI/all.zip', { body: buildZip(30), lastModified: 'Mon, 30 Nov 2026 10:00:00 GMT' });
  await updateDatabase(file, { source: base, ecosystems: ['PyPI'] });
  const before = readFileSync(file);

  const body = buildZip(400, 20000);
  archives.set('/osv/PyPI/all.zip', { body, lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT', cutAfter: Math.floor(body.length / 3) });
  await assert.rejects(updateDatabase(file, { source: base, ecosystems: ['PyPI'] }), (e: unknown) => e instanceof MoatError && e.kind === 'incomplete' && /run the update again to resume/.test(e.message));
  assert.deepEqual(readFileSync(file), before, 'the old database is untouched');
  assert.ok(existsSync(path.join(dir, 'b', 'downloads', 'PyPI.zip.part')));

  log.length = 0;
  const resumed = await updateDatabase(file, { source: base, ecosystems: ['PyPI'] });
  assert.equal(log.length, 1);
  assert.equal(log[0]?.status, 206);
  assert.equal(log[0]?.headers['range'], `bytes=${Math.floor(body.length / 3)}-`);
  assert.equal(log[0]?.headers['if-range'], etagOf(body));
  assert.equal(resumed.ecosystems[0]?.resumed, true);
  assert.equal(resumed.ecosystems[0]?.downloaded, body.length - Math.floor(body.length / 3));
  assert.equal(resumed.ecosystems[0]?.stats?.records, 400);
});

test('says clearly what is wrong with the source or the ecosystem, and changes nothing', async () => {
  const file = path.join(dir, 'c', 'osv.sqlite');
  await assert.rejects(updateDatabase(file, { source: base, ecosystems: ['NoSuchEcosystem'] }), /404: no OSV archive for ecosystem "NoSuchEcosystem"/);
  await assert.rejects(updateDatabase(file, { source: 'ftp://example.invalid', ecosystems: ['npm'] }), /give an http:\/\/ or https:\/\/ URL/);
  await assert.rejects(updateDatabase(file, { source: base, ecosystems: ['../etc'] }), /not an OSV ecosystem name/);
  // A port nothing listens on: connection refused, reported as incomplete.
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  await assert.rejects(updateDatabase(file, { source: `http://127.0.0.1:${port}`, ecosystems: ['npm'] }), (e: unknown) => e instanceof MoatError && e.kind === 'incomplete' && /ECONNREFUSED/.test(e.message));
  assert.equal(existsSync(file), false);
});

test('one update at a time: a running one is refused clearly, a stale lock is taken over', async () => {
  const file = path.join(dir, 'd', 'osv.sqlite');
  const downloads = path.join(dir, 'd', 'downloads');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  mkdirSync(downloads, { recursive: true });
  archives.set('/osv/Go/all.zip', { body: buildZip(5), lastModified: 'Mon, 30 Nov 2026 10:00:00 GMT' });
  writeFileSync(path.join(downloads, '.lock'), String(process.ppid));
  await assert.rejects(updateDatabase(file, { source: base, ecosystems: ['Go'] }), new RegExp(`another \`moat db update\` \\(pid ${process.ppid}\\) is updating this database`));
  const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
  writeFileSync(path.join(downloads, '.lock'), String(gone));
  const r = await updateDatabase(file, { source: base, ecosystems: ['Go'] });
  assert.equal(r.ecosystems[0]?.stats?.records, 5);
  assert.equal(existsSync(path.join(downloads, '.lock')), false);
});
