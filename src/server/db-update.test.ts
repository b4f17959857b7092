/**
 * `moat serve --db-update-interval`: the server runs `moat db update` on its schedule
 * against an OSV mirror (here a real HTTP server on 127.0.0.1 serving a zip the test
 * builds), and an advisory that arrives that way raises the re-match alert for the
 * running image it newly hits, as one imported by hand does.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ZipWriter } from '../knowledge/vuln/test-support/zip-writer.ts';
import { advisory, api, DEBIAN, debPackage, digestOf, importAdvisories, makeStore, reportDoc, until } from './test-support/harness.ts';
import { startServer } from './server.ts';
import { createToken } from './tokens.ts';

const store = await makeStore('embedded');
const logged: string[] = [];
let requests = 0;
let zip: Buffer | undefined;
const mirror = createServer((req, res) => {
  requests++;
  if (zip === undefined || !req.url?.endsWith('/all.zip')) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length, 'last-modified': new Date().toUTCString() }).end(zip);
});
await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
after(async () => {
  await new Promise((r) => mirror.close(r));
  store.destroy();
});

test('a scheduled database update brings an advisory in, and its re-match alerts for the running image', async () => {
  await importAdvisories(store.vulnDb, [advisory('DSA-0001-1', 'CVE-2026-0001', 'zlib', '1:1.3-1')]);
  const server = await startServer({
    listen: '127.0.0.1:0',
    ...store.options,
    vulnDb: store.vulnDb,
    rematchCheckSeconds: 0.2,
    pollSeconds: 0.5,
    dbUpdate: { intervalMs: 500, source: `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`, ecosystems: ['Debian:12'] },
    migrateCommand: 'moat serve migrate',
    log: (line) => logged.push(line),
  });
  try {
    const { secret } = await createToken(server.store, { role: 'admin' });
    const image = digestOf(0xc1);
    const doc = reportDoc('host-u', 'report-u1', {
      images: [{ digest: image, references: ['example.test/updated:1'], layers: [], inventory: { os: DEBIAN, packages: [debPackage('libssl3', '3.0.11-1~deb12u2', 'openssl')] } }],
    });
    assert.equal((await api(server.url, secret, 'POST', '/api/v1/reports', doc)).status, 202);
    await until('the inventory matched', async () => (await server.store.query<{ g: string | null }>('SELECT matched_generation AS g FROM images WHERE digest = $1', [image]))[0]?.g != null);
    // The mirror fails until it has an archive: the failure is said, and the schedule goes on.
    await until('a failed scheduled update logged', async () => logged.some((l) => /scheduled database update .* failed/.test(l)));

    const file = path.join(store.dir, 'mirror.zip');
    const writer = new ZipWriter(file);
    const record = advisory('DSA-0009-1', 'CVE-2026-0009', 'openssl', '3.0.15-1~deb12u1');
    writer.add('DSA-0009-1.json', JSON.stringify(record));
    writer.close();
    zip = readFileSync(file);
    const alert = await until('the re-match alert', async () => {
      const a = await api(server.url, secret, 'GET', '/api/v1/alerts');
      return (a.json.alerts as Array<{ source: string; host: string; image: string; vulnerability: string }>).find((x) => x.source === 'rematch');
    });
    assert.equal(alert.host, 'host-u');
    assert.equal(alert.image, image);
    assert.equal(alert.vulnerability, 'CVE-2026-0009');
    assert.ok(logged.some((l) => /scheduled database update .*: updated Debian:12/.test(l)), logged.join('\n'));
    assert.ok(requests >= 2);
  } finally {
    await server.close();
  }
});
