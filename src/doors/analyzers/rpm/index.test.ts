import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { DatabaseSync } from 'node:sqlite';
import { analyzer } from './index.ts';
import { analyzer as osRelease } from '../os-release/index.ts';
import { adler32 } from './adler32.ts';
import { HeaderError, parseSourceRpm, readPackageInfo, RpmHeader, TAG } from './header.ts';
import { header, scanFiles, type DiskSpec } from '../test-support/files.ts';
import { bdbRpmdb, buildRpms, rpmQa, splitHeaders, sqliteRpmdb, type RpmSpec } from '../test-support/rpm.ts';
import { makeNdb } from '../test-support/ndb.ts';
import type { Inventory, Package } from '../../../models/inventory.ts';

const run = promisify(execFile);
const RHEL = { 'etc/os-release': 'ID="rhel"\nVERSION_ID="9.4"\nID_LIKE="fedora"\n' };

const SPECS: RpmSpec[] = [
  { name: 'moat-openssl', version: '3.0.7', release: '27.el9', epoch: 1, license: 'Apache-2.0', vendor: 'Red Hat, Inc.', arch: 'x86_64' },
  { name: 'moat-openssl-libs', version: '3.0.7', release: '27.el9', epoch: 1, license: 'Apache-2.0', vendor: 'Red Hat, Inc.', source: 'moat-openssl' },
  { name: 'moat-bash', version: '5.1.8', release: '9.el9', license: 'GPL-3.0-or-later' },
  { name: 'moat-zero-epoch', version: '2.0~rc1', release: '1.el9_4', epoch: 0, license: 'MIT AND (BSD-3-Clause OR GPL-2.0-or-later)' },
  // Imported signing keys live in the database as packages named gpg-pubkey.
  { name: 'gpg-pubkey', version: 'fd431d51', release: '4ae0493b' },
];
// Enough headers that a 512-byte-page BerkeleyDB spreads them over many pages and overflow chains.
for (let i = 0; i < 40; i++) SPECS.push({ name: `moat-filler-${String(i).padStart(2, '0')}`, version: `1.${i}`, release: '1', license: 'MIT', vendor: 'Moat' });

let work: string;
let sqliteDir: string;
let oracle: string[];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'moat-rpm-'));
  const rpms = await buildRpms(SPECS, work);
  sqliteDir = join(work, 'sqlite');
  await sqliteRpmdb(sqliteDir, rpms);
  oracle = await rpmQa(sqliteDir, 'sqlite');
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Moat's packages in rpm -qa's format, so the oracle's lines compare directly. */
function asRpmQa(inv: Inventory): string[] {
  const srpm = (p: Package): string => (p.source ? `${p.source.name}-${(p.source.version ?? '').replace(/^\d+:/, '')}.src.rpm` : '(none)');
  return inv.packages.filter((p) => p.type === 'rpm').map((p) => `${p.name} ${p.version} ${p.arch ?? '(none)'} ${srpm(p)} | ${p.licenses?.join() ?? '(none)'} | ${p.supplier ?? '(none)'}`).sort();
}

async function scanDb(files: DiskSpec): Promise<Inventory> {
  return scanFiles({ ...RHEL, ...files }, [osRelease, analyzer]);
}

test('want: the three database files and the sqlite WAL, in both locations; nothing else', () => {
  for (const p of ['var/lib/rpm/rpmdb.sqlite', 'var/lib/rpm/rpmdb.sqlite-wal', 'var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/Packages.db', 'usr/lib/sysimage/rpm/rpmdb.sqlite']) assert.equal(analyzer.want(header(p)), 'content', p);
  for (const p of ['var/lib/rpm/Name', 'var/lib/rpm/rpmdb.sqlite-shm', 'opt/var/lib/rpm/Packages', 'var/lib/rpm/Packages.bak']) assert.equal(analyzer.want(header(p)), undefined, p);
});

test('sqlite rpmdb (RHEL 9): equals rpm -qa on the same database', async () => {
  assert.equal(oracle.length, SPECS.length - 1, 'the oracle lists every package but the key');
  const inv = await scanDb({ 'var/lib/rpm/rpmdb.sqlite': readFileSync(join(sqliteDir, 'rpmdb.sqlite')) });
  assert.deepEqual(asRpmQa(inv), oracle);
  assert.deepEqual(inv.problems, []);
  const libs = inv.packages.find((p) => p.name === 'moat-openssl-libs');
  assert.deepEqual(
    [libs?.version, libs?.source, libs?.arch, libs?.purl, libs?.foundIn, libs?.analyzer],
    ['1:3.0.7-27.el9', { name: 'moat-openssl', version: '1:3.0.7-27.el9' }, 'noarch', 'pkg:rpm/redhat/moat-openssl-libs@3.0.7-27.el9?arch=noarch&distro=rhel-9.4&epoch=1', 'var/lib/rpm/rpmdb.sqlite', 'rpm@1'],
  );
  const zero = inv.packages.find((p) => p.name === 'moat-zero-epoch');
  assert.equal(zero?.version, '0:2.0~rc1-1.el9_4', 'an explicit epoch 0 is kept, as rpm prints it');
  const bash = inv.packages.find((p) => p.name === 'moat-bash');
  assert.equal(bash?.version, '5.1.8-9.el9', 'no epoch, none invented');
  assert.equal(bash?.purl, 'pkg:rpm/redhat/moat-bash@5.1.8-9.el9?arch=noarch&distro=rhel-9.4');
});

test('sqlite rpmdb with committed transactions still in its WAL: they count, as they do for rpm', async () => {
  const live = join(work, 'wal-live');
  mkdirSync(live);
  copyFileSync(join(sqliteDir, 'rpmdb.sqlite'), join(live, 'rpmdb.sqlite'));
  const db = new DatabaseSync(join(live, 'rpmdb.sqlite'));
  db.exec('PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;');
  const bash = db.prepare("SELECT hnum FROM Name WHERE key = 'moat-bash'").get() as { hnum: number };
  // rpm's index tables refer to Packages by foreign key: remove the package as rpm -e would, indexes first.
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%'").all() as Array<{ name: string }>;
  for (const t of tables) db.prepare(`DELETE FROM '${t.name}' WHERE hnum = ?`).run(bash.hnum);
  db.prepare('DELETE FROM Packages WHERE hnum = ?').run(bash.hnum);
  // Copy while the connection is open: the delete is in the WAL only, as in an image made mid-transaction.
  const snap = join(work, 'wal-snap');
  mkdirSync(snap);
  for (const f of ['rpmdb.sqlite', 'rpmdb.sqlite-wal']) copyFileSync(join(live, f), join(snap, f));
  db.close();
  const expected = await rpmQa(snap, 'sqlite');
  assert.ok(!expected.some((l) => l.startsWith('moat-bash ')), 'rpm sees the delete');
  const inv = await scanDb({ 'var/lib/rpm/rpmdb.sqlite': readFileSync(join(snap, 'rpmdb.sqlite')), 'var/lib/rpm/rpmdb.sqlite-wal': readFileSync(join(snap, 'rpmdb.sqlite-wal')) });
  assert.deepEqual(asRpmQa(inv), expected);
  assert.deepEqual(inv.problems, []);
});

for (const variant of [
  { pageSize: 512, bigEndian: false, what: '512-byte pages: every header in an overflow chain' },
  { pageSize: 65536, bigEndian: false, what: '64 KiB pages: headers inline on hash pages' },
  { pageSize: 4096, bigEndian: true, what: 'big-endian (s390x, ppc64 images)' },
]) {
  test(`BerkeleyDB Packages (RHEL 7/8), ${variant.what}: equals rpm's bdb_ro reader`, async () => {
    const dir = join(work, `bdb-${variant.pageSize}-${variant.bigEndian}`);
    await bdbRpmdb(dir, sqliteDir, variant);
    assert.deepEqual(await rpmQa(dir, 'bdb_ro'), oracle, 'rpm reads the same packages from the BerkeleyDB copy');
    const inv = await scanDb({ 'var/lib/rpm/Packages': readFileSync(join(dir, 'Packages')) });
    assert.deepEqual(asRpmQa(inv), oracle);
    assert.deepEqual(inv.problems, []);
  });
}

test('ndb Packages.db (SUSE), under usr/lib/sysimage with var/lib/rpm linked to it: read once', async () => {
  const { stdout } = await run('rpmdb', ['--dbpath', sqliteDir, '--exportdb'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const ndb = makeNdb(splitHeaders(stdout), { slotPages: 2 });
  const inv = await scanDb({ 'usr/lib/sysimage/rpm/Packages.db': ndb, 'var/lib': null, 'var/lib/rpm': '-> ../../usr/lib/sysimage/rpm' });
  assert.deepEqual(asRpmQa(inv), oracle);
  assert.ok(inv.packages.every((p) => p.foundIn === 'usr/lib/sysimage/rpm/Packages.db'));
  assert.deepEqual(inv.problems, []);
});

test('ndb: a blob that fails its checksum stops the read with a located problem', async () => {
  const { stdout } = await run('rpmdb', ['--dbpath', sqliteDir, '--exportdb'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const ndb = makeNdb(splitHeaders(stdout).slice(0, 3));
  ndb.writeUInt8((ndb[4096 + 40] as number) ^ 0xff, 4096 + 40); // inside the first blob
  const inv = await scanDb({ 'usr/lib/sysimage/rpm/Packages.db': ndb });
  assert.equal(inv.packages.length, 0);
  assert.deepEqual(inv.problems.map((p) => p.message), ['/usr/lib/sysimage/rpm/Packages.db: package 1 (slot 2): its blob fails its Adler-32 checksum; the rpm packages it lists are not known']);
});

test('unsupported and damaged databases are problems that say what the file is, never an empty list', async () => {
  const btree = join(work, 'btree');
  mkdirSync(btree);
  writeFileSync(join(btree, 'dump.txt'), 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n 01\n 02\nDATA=END\n');
  await run('db5.3_load', ['-f', join(btree, 'dump.txt'), join(btree, 'Packages')]);
  const bdb = join(work, 'bdb-cut');
  await bdbRpmdb(bdb, sqliteDir, { pageSize: 512 });
  const full = readFileSync(join(bdb, 'Packages'));
  const cases: Array<[string, DiskSpec, RegExp]> = [
    ['btree', { 'var/lib/rpm/Packages': readFileSync(join(btree, 'Packages')) }, /^\/var\/lib\/rpm\/Packages: unsupported rpmdb format: a BerkeleyDB btree database; the rpm packages it lists are not known$/],
    ['garbage', { 'var/lib/rpm/Packages': Buffer.alloc(8192, 0x41) }, /^\/var\/lib\/rpm\/Packages: unsupported rpmdb format: neither SQLite, BerkeleyDB hash nor rpm ndb/],
    ['empty', { 'var/lib/rpm/rpmdb.sqlite': '' }, /unsupported rpmdb format: an empty file/],
    ['truncated bdb', { 'var/lib/rpm/Packages': full.subarray(0, full.length - 2048) }, /^\/var\/lib\/rpm\/Packages: its metadata names page \d+ as the last, but the file holds \d+ pages: it is truncated; the rpm packages it lists are not known$/],
    ['sqlite without Packages', { 'var/lib/rpm/rpmdb.sqlite': sqliteWith('CREATE TABLE other (x)') }, /^\/var\/lib\/rpm\/rpmdb\.sqlite: it has no Packages table: it is not an rpm database/],
    ['sqlite with a non-blob', { 'var/lib/rpm/rpmdb.sqlite': sqliteWith("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob); INSERT INTO Packages VALUES (1, 'text')") }, /row 1 of Packages holds string, not a header blob/],
    ['sqlite with a broken header', { 'var/lib/rpm/rpmdb.sqlite': sqliteWith("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob); INSERT INTO Packages VALUES (7, x'0000ffff00000010')") }, /^\/var\/lib\/rpm\/rpmdb\.sqlite: header 7: the header is truncated: 8 bytes, its index and data need 1048584; that package is not listed$/],
  ];
  for (const [what, files, message] of cases) {
    const inv = await scanDb(files);
    assert.equal(inv.packages.length, 0, what);
    assert.equal(inv.problems.length, 1, `${what}: ${JSON.stringify(inv.problems)}`);
    assert.match(inv.problems[0]?.message ?? '', message, what);
  }
});

function sqliteWith(sql: string): Buffer {
  const dir = mkdtempSync(join(work, 'sqlite-'));
  const db = new DatabaseSync(join(dir, 'x.sqlite'));
  db.exec(sql);
  db.close();
  return readFileSync(join(dir, 'x.sqlite'));
}

test('header parser: real headers read; every hostile offset, count and type refused with a reason', async () => {
  const { stdout } = await run('rpmdb', ['--dbpath', sqliteDir, '--exportdb'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const blobs = splitHeaders(stdout);
  const openssl = blobs.map((b) => readPackageInfo(b)).find((i) => i.name === 'moat-openssl');
  assert.deepEqual(openssl, { name: 'moat-openssl', version: '3.0.7', release: '27.el9', epoch: 1, arch: 'x86_64', sourceRpm: 'moat-openssl-3.0.7-27.el9.src.rpm', license: 'Apache-2.0', vendor: 'Red Hat, Inc.' });

  const entry = (tag: number, type: number, offset: number, count: number): Buffer => {
    const b = Buffer.alloc(16);
    b.writeInt32BE(tag, 0);
    b.writeUInt32BE(type, 4);
    b.writeInt32BE(offset, 8);
    b.writeUInt32BE(count, 12);
    return b;
  };
  const blob = (entries: Buffer[], data: Buffer): Buffer => {
    const pre = Buffer.alloc(8);
    pre.writeUInt32BE(entries.length, 0);
    pre.writeUInt32BE(data.length, 4);
    return Buffer.concat([pre, ...entries, data]);
  };
  const strings = Buffer.from('n\0v\0r\0');
  const ok = blob([entry(TAG.NAME, 6, 0, 1), entry(TAG.VERSION, 6, 2, 1), entry(TAG.RELEASE, 6, 4, 1)], strings);
  assert.deepEqual(readPackageInfo(ok), { name: 'n', version: 'v', release: 'r' });
  const refuse = (b: Buffer, message: RegExp): void => assert.throws(() => readPackageInfo(b), (e: Error) => e instanceof HeaderError && message.test(e.message));
  refuse(Buffer.alloc(4), /shorter than its 8-byte preamble/);
  refuse(blob([], Buffer.alloc(0)), /claims 0 index entries/);
  refuse(Buffer.from('ffffffff00000000', 'hex'), /claims 4294967295 index entries/);
  refuse(Buffer.from('00000001ffffffff', 'hex'), /claims 4294967295 bytes of data/);
  refuse(blob([entry(TAG.NAME, 6, 0, 1), entry(TAG.VERSION, 6, 2, 1), entry(TAG.RELEASE, 6, 4, 1)], Buffer.from('n\0v\0r')), /the string of tag 1002 runs past the end/);
  refuse(blob([entry(TAG.NAME, 4, 0, 1)], strings), /tag 1000 has type 4, not a string/);
  refuse(blob([entry(TAG.NAME, 6, 0, 1), entry(TAG.VERSION, 6, 2, 1), entry(TAG.RELEASE, 6, 4, 1), entry(TAG.EPOCH, 4, 4, 1)], strings), /the INT32 of tag 1003 runs past the end/);
  refuse(blob([entry(TAG.NAME, 6, 0, 1), entry(TAG.VERSION, 6, 2, 1)], strings), /has no RELEASE/);
  // An offset outside the data store is not followed (the tag counts as absent).
  refuse(blob([entry(TAG.NAME, 6, 0, 1), entry(TAG.VERSION, 6, 2, 1), entry(TAG.RELEASE, 6, -5, 1)], strings), /has no RELEASE/);
  assert.equal(new RpmHeader(ok).has(TAG.EPOCH), false);
});

test('source RPM file names', () => {
  assert.deepEqual(parseSourceRpm('bash-5.1.8-6.el9.src.rpm'), { name: 'bash', version: '5.1.8', release: '6.el9' });
  assert.deepEqual(parseSourceRpm('perl-Net-SSLeay-1.92-2.el9.nosrc.rpm'), { name: 'perl-Net-SSLeay', version: '1.92', release: '2.el9' });
  assert.equal(parseSourceRpm('bash.rpm'), undefined);
});

test('Adler-32 agrees with zlib (the checksum in a zlib stream trailer)', () => {
  for (const data of [Buffer.alloc(0), Buffer.from('Wikipedia'), Buffer.alloc(100_000, 0xff), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff))]) {
    const z = deflateSync(data, { level: 0 });
    assert.equal(adler32(data), z.readUInt32BE(z.length - 4));
  }
});
