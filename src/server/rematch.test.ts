/**
 * Which re-match alerts a database update raises, on both stores, through the real ingest
 * and the real matching: a vulnerability new to the database is news on every image holding
 * the package, on every host running it; one the database had already (an advisory now
 * naming one more package) is news only on the images that did not have it through another
 * package. Both kinds meet in one alert per host and image.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReport } from './report-shape.ts';
import { ingestReport } from './ingest.ts';
import { matchImage, rematchAll, vulnSource } from './match.ts';
import { migrate } from './migrations.ts';
import { openStore } from './store.ts';
import { advisory, DEBIAN, debPackage, digestOf, importAdvisories, makeStore, reportDoc, type StoreKind } from './test-support/harness.ts';

const X = digestOf(0x11);
const Y = digestOf(0x22);
const image = (digest: string, names: string[]): object => ({
  digest,
  references: [`example.test/${digest === X ? 'x' : 'y'}:1`],
  layers: [],
  inventory: { os: DEBIAN, packages: names.map((n) => debPackage(n, '1.0-1')) },
});

for (const kind of ['embedded', 'postgres'] as StoreKind[]) {
  describe(`re-match alerts on the ${kind} store`, () => {
    test('new to the database: every image holding the package; known already: only where the image lacked it', async () => {
      const handle = await makeStore(kind);
      const store = await openStore(handle.options);
      try {
        await migrate(store);
        // X holds pkga and pkgb, and runs on h1; Y holds pkgb only, and runs on h1 and h2.
        await ingestReport(store, checkReport(reportDoc('h1', 'r-h1', { images: [image(X, ['pkga', 'pkgb']), image(Y, ['pkgb'])] })), null);
        await ingestReport(store, checkReport(reportDoc('h2', 'r-h2', { images: [image(Y, ['pkgb'])] })), null);
        const source = vulnSource(handle.vulnDb);
        await importAdvisories(handle.vulnDb, [advisory('DSA-1', 'CVE-2026-1001', 'pkga', '9.0-1')]);
        const first = await rematchAll(store, source);
        assert.equal(first.alerts, 0, 'packages matched for the first time are no news');

        // CVE-2026-1001 now names pkgb too (known already: X had it through pkga); two advisories new to the database.
        const both = advisory('DSA-1', 'CVE-2026-1001', 'pkga', '9.0-1') as { affected: object[]; modified: string };
        const pkgb = (advisory('DSA-1', 'CVE-2026-1001', 'pkgb', '9.0-1') as { affected: object[] }).affected;
        await importAdvisories(handle.vulnDb, [
          { ...both, modified: '2026-12-05T00:00:00Z', affected: [...both.affected, ...pkgb] },
          advisory('DSA-2', 'CVE-2026-1002', 'pkga', '9.0-1'),
          advisory('DSA-3', 'CVE-2026-1003', 'pkgb', '9.0-1', 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N'),
        ]);
        const second = await rematchAll(store, source);
        assert.equal(second.alerts, 3);
        const alerts = await store.query<{ host: string; image: string; vuln_id: string; message: string; detail: { vulnerabilities: Array<{ id: string }> } }>(
          `SELECT host, image, vuln_id, message, detail FROM alerts WHERE source = 'rematch' ORDER BY host, image`,
        );
        assert.deepEqual(
          alerts.map((a) => [a.host, a.image, a.detail.vulnerabilities.map((v) => v.id).sort()]),
          [
            ['h1', X, ['CVE-2026-1002', 'CVE-2026-1003']],
            ['h1', Y, ['CVE-2026-1001', 'CVE-2026-1003']],
            ['h2', Y, ['CVE-2026-1001', 'CVE-2026-1003']],
          ],
        );
        // The most severe is named, and how many more there are.
        for (const a of alerts) assert.match(a.message, / is newly affected by CVE-2026-100[12] \(pkg[ab]@1\.0-1\) and 1 more$/, a.message);
        // Nothing is left for a later re-match to raise again.
        const left = await store.query<{ n: number }>('SELECT (SELECT count(*) FROM rematch_news)::int + (SELECT count(*) FROM rematch_news_pkg)::int AS n');
        assert.equal(left[0]?.n, 0);
        // And the findings follow: every host runs what its images now have.
        const rows = await store.query<{ host: string; digest: string; vuln_id: string }>('SELECT host, digest, vuln_id FROM host_vulns ORDER BY 1, 2, 3');
        assert.equal(rows.filter((r) => r.host === 'h1' && r.digest === X).length, 4, 'X on h1: 1001 through pkga and pkgb, 1002, 1003');
        assert.equal(rows.filter((r) => r.host === 'h2').length, 2);
      } finally {
        await store.close();
        handle.destroy();
      }
    });

    test('an image stored between a database change and its re-match does not take the news from the images already running', async () => {
      const handle = await makeStore(kind);
      const store = await openStore(handle.options);
      try {
        await migrate(store);
        const source = vulnSource(handle.vulnDb);
        await importAdvisories(handle.vulnDb, [advisory('DSA-1', 'CVE-2026-1001', 'zlib', '9.0-1')]);
        // X runs on h1 and was matched against the first database.
        await ingestReport(store, checkReport(reportDoc('h1', 'r-h1', { images: [image(X, ['pkga'])] })), null);
        await matchImage(store, source, X);
        assert.equal((await rematchAll(store, source)).alerts, 0);
        // The database gains an advisory for pkga; before the re-match runs, h2 reports Y, which holds pkga too, and Y is matched.
        await importAdvisories(handle.vulnDb, [advisory('DSA-2', 'CVE-2026-1002', 'pkga', '9.0-1')]);
        await ingestReport(store, checkReport(reportDoc('h2', 'r-h2', { images: [image(Y, ['pkga', 'pkgc'])] })), null);
        await matchImage(store, source, Y);
        const second = await rematchAll(store, source);
        const alerts = await store.query<{ host: string; image: string; vuln_id: string }>(`SELECT host, image, vuln_id FROM alerts WHERE source = 'rematch' ORDER BY host, image`);
        // Both hosts ran pkga as matched against the old database, so the new advisory is news on both.
        assert.deepEqual(
          alerts.map((a) => [a.host, a.image, a.vuln_id]),
          [
            ['h1', X, 'CVE-2026-1002'],
            ['h2', Y, 'CVE-2026-1002'],
          ],
        );
        assert.equal(second.alerts, 2);
        const rows = await store.query<{ host: string; digest: string; vuln_id: string }>('SELECT host, digest, vuln_id FROM host_vulns ORDER BY 1, 2, 3');
        assert.deepEqual(
          rows.map((r) => [r.host, r.digest, r.vuln_id]),
          [
            ['h1', X, 'CVE-2026-1002'],
            ['h2', Y, 'CVE-2026-1002'],
          ],
        );
        // Every package is current: the one only Y holds was matched for Y, against the new database.
        const stale = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM packages WHERE matched_generation IS DISTINCT FROM $1', [second.generation]);
        assert.equal(stale[0]?.n, 0);
      } finally {
        await store.close();
        handle.destroy();
      }
    });
  });
}
