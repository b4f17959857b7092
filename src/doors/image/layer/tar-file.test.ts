/**
 * The positional tar walk (tar-file.ts) against tar-stream, which it must equal: the same
 * entries with the same headers and bytes, or the same error, for tars from tar-stream's
 * packer (pax records), GNU tar (long-name records), hostile sizes and truncations, and a
 * few thousand seeded mutations of them.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { rng } from '../../../knowledge/vuln/test-support/rng.ts';
import { forEachTarEntry } from './tar-entries.ts';
import { rangeBytes, walkTarFile } from './tar-file.ts';
import { dir, file, hardlink, makeTar, setDeclaredSize, symlink } from '../../../../test/support/tar.ts';

let work: string;
before(() => (work = mkdtempSync(join(tmpdir(), 'moat-tar-file-'))));
after(() => rmSync(work, { recursive: true, force: true }));

type Outcome = { entries: string[]; error?: string };

const describe = (h: { name: string; type: string | null; size: number; linkname?: string | null; mode: number; uid: number; gid: number; devmajor?: number; devminor?: number; pax?: unknown }, data: Buffer): string =>
  JSON.stringify([h.name, h.type, h.size, h.linkname ?? null, h.mode, h.uid, h.gid, h.devmajor, h.devminor, h.pax ?? null, data.toString('base64')]);

/** The reference: tar-stream's own extract, fed the whole tar at once. */
async function viaTarStream(bytes: Buffer): Promise<Outcome> {
  const entries: string[] = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: unknown) => parts.push(c as Buffer));
      stream.on('end', () => {
        entries.push(describe(header, Buffer.concat(parts)));
        next();
      });
      stream.on('error', () => undefined);
    });
    extract.on('finish', () => resolve());
    extract.on('error', reject);
  });
  extract.end(bytes);
  try {
    await done;
    return { entries };
  } catch (e) {
    return { entries, error: (e as Error).message };
  }
}

/** Moat's streaming parser (forEachTarEntry), fed the tar in chunks of random sizes. */
async function viaStream(bytes: Buffer, random: () => number): Promise<Outcome> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(random() * (random() < 0.5 ? 700 : 70_000));
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  const entries: string[] = [];
  try {
    await forEachTarEntry(Readable.from(chunks), async (entry) => {
      const parts: Buffer[] = [];
      for await (const c of entry) parts.push(c);
      entries.push(describe(entry.header, Buffer.concat(parts)));
    });
    return { entries };
  } catch (e) {
    return { entries, error: (e as Error).message.replace(/: the tar stream stopped before its end$/, '') };
  }
}

async function viaFile(bytes: Buffer, at = 0): Promise<Outcome> {
  // The tar sits inside a bigger file, as a layer does inside an archive.
  const path = join(work, 'walk.bin');
  writeFileSync(path, Buffer.concat([Buffer.alloc(at, 0x55), bytes, Buffer.alloc(700, 0x55)]));
  const fd = openSync(path, 'r');
  const entries: string[] = [];
  try {
    for (const { header, dataOffset, available } of walkTarFile({ fd, offset: at, size: bytes.length })) {
      const parts: Buffer[] = [];
      for await (const c of rangeBytes(fd, dataOffset, available === 0 ? 0 : header.size, available)) parts.push(c);
      entries.push(describe(header, Buffer.concat(parts)));
    }
    return { entries };
  } catch (e) {
    return { entries, error: (e as Error).message };
  } finally {
    closeSync(fd);
  }
}

function sameOutcome(file: Outcome, stream: Outcome, what: string): void {
  assert.equal(file.error, stream.error, `${what}: error`);
  assert.deepEqual(file.entries, stream.entries, `${what}: entries`);
}

let made: Array<[string, Buffer]> | undefined;
async function corpus(): Promise<Array<[string, Buffer]>> {
  made ??= await makeCorpus();
  return made;
}

async function makeCorpus(): Promise<Array<[string, Buffer]>> {
  const long = `${'deep/'.repeat(30)}name-longer-than-one-hundred-bytes.txt`;
  const packed = await makeTar([
    dir('etc/'),
    file('etc/os-release', 'ID=debian\n'),
    file(long, 'long name\n'),
    symlink('usr/lib/link', `/${'target/'.repeat(20)}file`),
    hardlink('etc/hard', 'etc/os-release'),
    file('empty', ''),
    file('big', Buffer.alloc(70_000, 7), 0o755),
  ]);
  // GNU tar writes ././@LongLink records for long names; a real layer's shape.
  const src = join(work, 'gnu-src');
  mkdirSync(join(src, 'a'.repeat(120), 'b'.repeat(120)), { recursive: true });
  writeFileSync(join(src, 'a'.repeat(120), 'b'.repeat(120), 'f.txt'), 'gnu\n');
  symlinkSync(`../${'c'.repeat(150)}`, join(src, 'long-link'));
  writeFileSync(join(src, 'odd-size'), Buffer.alloc(513, 1));
  const gnu = execFileSync('tar', ['--format=gnu', '-C', src, '-cf', '-', '.']);
  const pax = execFileSync('tar', ['--format=pax', '-C', src, '-cf', '-', '.']);
  // Many entries over several of the walk's read windows (256 KiB), long names among them (pax records).
  const many = await makeTar(
    Array.from({ length: 1200 }, (_, i) => file(`many/${i % 7 === 0 ? 'n'.repeat(120) : 'f'}-${i}`, Buffer.alloc((i * 7919) % (i % 50 === 0 ? 300_000 : 3_000), i & 0xff))),
  );
  return [
    ['tar-stream pack', packed],
    ['GNU tar, gnu format', gnu],
    ['GNU tar, pax format', pax],
    ['empty', Buffer.alloc(0)],
    ['only the end marker', Buffer.alloc(1024)],
    ['cut inside a header', packed.subarray(0, 700)],
    ['cut inside data', packed.subarray(0, packed.length - 40_000)],
    ['cut in the padding', gnu.subarray(0, gnu.length - 10_000)],
    ['junk after the end marker', Buffer.concat([packed, Buffer.from('x'.repeat(600))])],
    ['a size past the end', setDeclaredSize(packed, 'etc/os-release', 2 ** 33 - 1)],
    ['not a tar', Buffer.from('this is not a tar file at all'.repeat(40))],
    ['1,200 entries over several read windows', many],
    ['1,200 entries, cut inside the third window', many.subarray(0, 600_000 + 77)],
  ];
}

test('the file walk and the stream parser read what tar-stream reads, or fail as it fails', async () => {
  const random = rng(7);
  for (const [what, bytes] of await corpus()) {
    const stream = await viaTarStream(bytes);
    if (what === 'tar-stream pack' || what.startsWith('GNU')) assert.ok(stream.entries.length >= 5 && !stream.error, `${what} is a good tar`);
    sameOutcome(await viaFile(bytes, 1536), stream, `${what} (file)`);
    for (let k = 0; k < 5; k++) sameOutcome(await viaStream(bytes, random), stream, `${what} (stream, chunking ${k})`);
  }
});

test('an entry left unread is passed over; one read in part is finished by the parser', async () => {
  const [, packed] = (await corpus())[0] as [string, Buffer];
  const names: string[] = [];
  await forEachTarEntry(Readable.from([packed.subarray(0, 3000), packed.subarray(3000)]), async (entry) => {
    names.push(entry.header.name);
    if (entry.header.name === 'big') for await (const c of entry) if (c.length) break;
  });
  assert.deepEqual(names.slice(-2), ['empty', 'big']);
  assert.equal(names.length, (await viaTarStream(packed)).entries.length);
});

test('seeded mutations of headers: the walk and tar-stream agree on every one', async () => {
  const random = rng(19);
  const seeds = (await corpus()).slice(0, 3).map(([, b]) => b);
  for (let i = 0; i < 1500; i++) {
    const base = seeds[i % seeds.length] as Buffer;
    const bytes = Buffer.from(base);
    // Mutate inside header blocks mostly (where parsing decides), with a valid checksum half of the time.
    const block = Math.floor(random() * Math.min(8, bytes.length / 512)) * 512;
    for (let k = 0; k < 1 + Math.floor(random() * 3); k++) bytes[block + Math.floor(random() * 512)] = Math.floor(random() * 256);
    if (random() < 0.5) {
      bytes.fill(0x20, block + 148, block + 156);
      let sum = 0;
      for (let j = 0; j < 512; j++) sum += bytes[block + j] as number;
      bytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, block + 148, 'latin1');
    }
    const cut = random() < 0.2 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
    const reference = await viaTarStream(cut);
    sameOutcome(await viaFile(cut), reference, `mutation ${i} (file)`);
    sameOutcome(await viaStream(cut, random), reference, `mutation ${i} (stream)`);
  }
});

test('a range longer than its file says so when read', async () => {
  const path = join(work, 'short.bin');
  writeFileSync(path, 'abc');
  const fd = openSync(path, 'r');
  try {
    await assert.rejects(async () => {
      for await (const _ of rangeBytes(fd, 0, 10)) void _;
    }, /Unexpected end of data/);
  } finally {
    closeSync(fd);
  }
  assert.equal(readFileSync(path, 'utf8'), 'abc');
});
