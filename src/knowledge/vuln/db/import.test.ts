import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { MoatError } from '../../../util/errors.ts';
import { bulkRecord, type OsvJson } from '../test-support/osv-generator.ts';
import { tempDir } from '../test-support/temp.ts';
import { ZipWriter } from '../test-support/zip-writer.ts';
import { importPaths } from './import.ts';
import { nestingDepth } from '../../../util/json-depth.ts';
import { VulnDatabase } from './vuln-database.ts';

const dir = tempDir('import');
let n = 0;
const fresh = (): string => path.join(dir, `db${n++}`, 'osv.sqlite');

function record(id: string, extra: Partial<OsvJson> = {}): OsvJson {
  return {
    id,
    modified: '9999-01-01T00:00:00Z',
    summary: 'Synthetic test advisory',
    affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }] }],
    ...extra,
  };
}

function ids(file: string): string[] {
  const db = VulnDatabase.open(file);
  try {
    return db.candidates('npm', 'left-pad').map((c) => db.advisory(c.advisory).id).sort();
  } finally {
    db.close();
  }
}

test('imports files, directories and zips; a path imported again replaces what it brought, other sources stay', async () => {
  const file = fresh();
  const src = path.join(dir, 'src1');
  mkdirSync(path.join(src, 'nested'), { recursive: true });
  writeFileSync(path.join(src, 'a.json'), JSON.stringify(record('CVE-9999-0001')));
  writeFileSync(path.join(src, 'nested', 'b.json'), JSON.stringify(record('CVE-9999-0002')));
  writeFileSync(path.join(src, 'README.txt'), 'not a record');
  const zipFile = path.join(dir, 'all.zip');
  const zip = new ZipWriter(zipFile);
  zip.add('GHSA-9999-aaaa-bbbb.json', JSON.stringify(record('GHSA-9999-aaaa-bbbb')));
  zip.close();

  const first = await importPaths(file, [src, zipFile]);
  assert.deepEqual(first.sources.map((s) => s.records), [2, 1]);
  assert.deepEqual(ids(file), ['CVE-9999-0001', 'CVE-9999-0002', 'GHSA-9999-aaaa-bbbb']);

  writeFileSync(path.join(src, 'nested', 'b.json'), JSON.stringify(record('CVE-9999-0003')));
  await importPaths(file, [src]);
  assert.deepEqual(ids(file), ['CVE-9999-0001', 'CVE-9999-0003', 'GHSA-9999-aaaa-bbbb']);

  await importPaths(file, [zipFile], { replace: true });
  assert.deepEqual(ids(file), ['GHSA-9999-aaaa-bbbb']);
});

test('keeps the newest copy of a record, and a withdrawn record removes an older copy', async () => {
  const file = fresh();
  const older = path.join(dir, 'older.json');
  const newer = path.join(dir, 'newer.json');
  writeFileSync(older, JSON.stringify(record('CVE-9999-0010', { modified: '9999-01-01T00:00:00Z', summary: 'old' })));
  writeFileSync(newer, JSON.stringify(record('CVE-9999-0010', { modified: '9999-02-01T00:00:00Z', summary: 'new' })));
  const r = await importPaths(file, [newer, older]);
  assert.equal(r.sources[1]?.duplicates, 1);
  const db = VulnDatabase.open(file);
  assert.equal(db.advisory(db.candidates('npm', 'left-pad')[0]?.advisory as number).summary, 'new');
  db.close();
  const gone = path.join(dir, 'withdrawn.json');
  writeFileSync(gone, JSON.stringify(record('CVE-9999-0010', { modified: '9999-03-01T00:00:00Z', withdrawn: '9999-03-01T00:00:00Z' })));
  const w = await importPaths(file, [gone]);
  assert.equal(w.sources[0]?.withdrawn, 1);
  assert.deepEqual(ids(file), []);
});

test('skips malformed and hostile records with a count and a reason, and stores the rest', async () => {
  const file = fresh();
  const zipFile = path.join(dir, 'hostile.zip');
  const zip = new ZipWriter(zipFile);
  zip.add('good.json', JSON.stringify(record('CVE-9999-0100')));
  zip.add('../../etc/evil.json', JSON.stringify(record('CVE-9999-0101')));
  zip.add('/abs.json', JSON.stringify(record('CVE-9999-0102')));
  zip.add('truncated.json', '{"id": "CVE-9999-0103", "modified": ');
  zip.add('deep.json', '['.repeat(100_000) + ']'.repeat(100_000));
  zip.add('not-osv.json', JSON.stringify({ hello: 'world' }));
  zip.add('bomb.json', Buffer.alloc(50 * 1024 * 1024, 0x20));
  zip.add('liar.json', Buffer.alloc(3 * 1024 * 1024, 0x20), { declaredSize: 100 });
  zip.add('latin1.json', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
  zip.add('bad-range.json', JSON.stringify(record('CVE-9999-0104', {
    affected: [
      { package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'FANCY', events: [{ introduced: '0' }] }] },
      { package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: 'not.a.version' }] }] },
      { package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0', fixed: '1.2.0' }] }] },
      { package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.1.0' }] }] },
    ],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/garbage' }],
  })));
  zip.close();

  const r = await importPaths(file, [zipFile], { limits: { maxRecordBytes: 4 * 1024 * 1024 } });
  const s = r.sources[0];
  assert.ok(s !== undefined);
  assert.equal(s.records, 2, 'good.json and the usable part of bad-range.json');
  assert.equal(s.skipped, 8);
  const reasons = Object.keys(s.reasons).join('\n');
  for (const want of [
    /unsafe entry name \(a "\.\." component\)/,
    /unsafe entry name \(an absolute path\)/,
    /invalid JSON/,
    /JSON nested deeper than 64 levels/,
    /not an OSV record: id: /,
    /larger than 4 MiB/,
    /unreadable entry \(inflates past the 100 bytes the directory declares\)/,
    /not UTF-8 text/,
    /unknown range type "FANCY"/,
    /invalid semver version "not.a.version" in "fixed"/,
    /an event must carry exactly one of/,
    /CVSS vector .* is not METRIC:VALUE/,
  ]) {
    assert.match(reasons, want);
  }
  assert.equal(s.dropped, 4);
  assert.deepEqual(ids(file), ['CVE-9999-0100', 'CVE-9999-0104']);
  const db = VulnDatabase.open(file);
  const kept = db.candidates('npm', 'left-pad').find((c) => db.advisory(c.advisory).id === 'CVE-9999-0104');
  // Stored in the scheme's order, ready for matching: introduced 0, fixed 1.1.0.
  assert.deepEqual(kept?.ranges, [{ type: 'SEMVER', kinds: 'if', versions: ['0', '1.1.0'], limits: [] }]);
  db.close();
  assert.ok(statSync(file).size < 1024 * 1024, 'nothing of the bomb was stored');
});

test('a zip bomb by ratio is refused before it is inflated', async () => {
  const file = fresh();
  const zipFile = path.join(dir, 'ratio.zip');
  const zip = new ZipWriter(zipFile);
  zip.add('zeros.json', Buffer.alloc(12 * 1024 * 1024, 0x30));
  zip.close();
  const r = await importPaths(file, [zipFile]);
  // This reason is decided from the central directory alone, before any byte is inflated.
  assert.deepEqual(Object.keys(r.sources[0]?.reasons ?? {}), ['compression ratio above 1000:1 (a zip bomb?)']);
});

test('a truncated or fake archive fails the import and leaves the previous database working', async () => {
  const file = fresh();
  const good = path.join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(record('CVE-9999-0200')));
  await importPaths(file, [good]);
  const before = readFileSync(file);

  const zipFile = path.join(dir, 'all-truncated.zip');
  const zip = new ZipWriter(zipFile);
  for (let i = 0; i < 50; i++) zip.add(`r${i}.json`, JSON.stringify(bulkRecord(i)));
  zip.close();
  const whole = readFileSync(zipFile);
  writeFileSync(zipFile, whole.subarray(0, Math.floor(whole.length / 2)));
  const fake = path.join(dir, 'fake.zip');
  writeFileSync(fake, 'PK this is not a zip');

  for (const bad of [zipFile, fake]) {
    await assert.rejects(importPaths(file, [good, bad]), (e: unknown) => e instanceof MoatError && e.kind === 'incomplete' && e.message.includes(bad) && /download it again/.test(e.message));
    assert.deepEqual(readFileSync(file), before, 'the previous database is untouched');
    assert.deepEqual(ids(file), ['CVE-9999-0200']);
  }
  assert.deepEqual(readdirSync(path.dirname(file)), ['osv.sqlite'], 'no build file is left behind');
  await assert.rejects(importPaths(file, [path.join(dir, 'missing.zip')]), /no such file or directory/);
  await assert.rejects(importPaths(file, [path.join(dir, 'ratio.zip', 'x')]), MoatError);
  assert.ok(existsSync(file));
});

test('counts nesting without recursion, ignoring brackets inside strings', () => {
  assert.equal(nestingDepth('{"a": [1, {"b": "[[[[["}]}', 64), 3);
  assert.equal(nestingDepth('"\\"[["', 64), 0);
  assert.equal(nestingDepth('['.repeat(1_000_000), 64), 65);
});

/** A record of about `bytes` that deflates about 40 to 1: well under the per-entry ratio check. */
function bulkyRecord(id: string, bytes: number): string {
  let seed = 1;
  const noise = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    noise[i] = (seed >>> 16) % 100 === 0 ? 0x61 + ((seed >>> 8) % 26) : 0x20;
  }
  return JSON.stringify(record(id, { details: noise.toString('latin1') }));
}

test('a zip whose directory repeats one 15 MiB entry 4,000 times is refused in seconds, naming the entry', async () => {
  const zipFile = path.join(dir, 'repeated.zip');
  const zip = new ZipWriter(zipFile);
  zip.add('GHSA-first.json', JSON.stringify(record('CVE-9999-0300')));
  zip.add('GHSA-big.json', bulkyRecord('CVE-9999-0301', 15 * 1024 * 1024));
  zip.repeatLast(4000);
  zip.close();
  const size = statSync(zipFile).size;
  assert.ok(size < 1024 * 1024, `${size} bytes`);
  const started = Date.now();
  await assert.rejects(importPaths(fresh(), [zipFile]), (e: unknown) => {
    assert.ok(e instanceof MoatError, String(e));
    assert.match(e.message, /repeated\.zip:GHSA-big\.json: its data overlaps entry of the same name \(a zip listing the same bytes many times\): refusing the archive/);
    return true;
  });
  assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
});

test('overlapping entries with different names are refused, naming both', async () => {
  const zipFile = path.join(dir, 'overlap.zip');
  const zip = new ZipWriter(zipFile);
  zip.add('a.json', JSON.stringify(record('CVE-9999-0310')));
  zip.repeatLast(1);
  zip.close();
  // The copy in the directory gets another name of the same length: b.json.
  const bytes = readFileSync(zipFile);
  const second = bytes.lastIndexOf(Buffer.from('a.json'));
  bytes.write('b', second);
  writeFileSync(zipFile, bytes);
  await assert.rejects(importPaths(fresh(), [zipFile]), /overlap\.zip:b\.json: its data overlaps entry "a\.json"/);
});

test('the uncompressed total is bounded by the archive\'s real size', async () => {
  const zipFile = path.join(dir, 'inflating.zip');
  const zip = new ZipWriter(zipFile);
  // 1 MiB each, just under the per-entry ratio check, each its own bytes.
  for (let i = 0; i < 40; i++) zip.add(`GHSA-${i}.json`, JSON.stringify(record(`CVE-9999-04${String(i).padStart(2, '0')}`, { details: ' '.repeat(1024 * 1024 - 400) })));
  zip.close();
  const size = statSync(zipFile).size;
  assert.ok(size < 200_000, `${size} bytes`);
  await assert.rejects(importPaths(fresh(), [zipFile], { limits: { maxRecordBytes: 4 * 1024 * 1024 } }), (e: unknown) => {
    assert.ok(e instanceof MoatError);
    assert.match(e.message, /inflating\.zip:GHSA-\d+\.json: the entries up to this one inflate to more than \d+ MiB, 100 times the archive's \d+ bytes/);
    return true;
  });
});

test('a FIFO named x.zip (or x.json) is refused at once instead of hanging', async () => {
  const { spawnSync } = await import('node:child_process');
  for (const name of ['x.zip', 'x.json']) {
    const fifo = path.join(dir, name);
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    await assert.rejects(importPaths(fresh(), [fifo]), (e: unknown) => e instanceof MoatError && e.kind === 'usage' && e.message === `${fifo}: a FIFO, not a regular file: give OSV JSON records, an OSV all.zip or a directory of them`);
  }
  await assert.rejects(importPaths(fresh(), ['/dev/zero']), /\/dev\/zero: a character device, not a regular file/);
});
