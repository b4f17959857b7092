import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFileRange, hashStream } from './hash-workers.ts';

// Over the size at which the worker takes over (32 MiB), and not a whole number of 1 MiB batches.
const DATA = randomBytes(40 * 1024 * 1024 + 12_345);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** The data in pieces of awkward sizes: single bytes, pieces across batch boundaries, one larger than a batch. */
function* pieces(data: Buffer): Generator<Buffer> {
  const sizes = [1, 1, 7_000, 1 << 20, 3 * (1 << 20) + 5, 511, 65_536];
  let off = 0;
  for (let i = 0; off < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length] as number, data.length - off);
    yield data.subarray(off, off + n);
    off += n;
  }
}

test('a stream hashed on the worker, fed in pieces of any size, gives the digest of its bytes', async () => {
  const h = hashStream(DATA.length);
  for (const p of pieces(DATA)) h.update(p);
  assert.equal(await h.digest(), sha256(DATA));
});

test('a small stream is hashed where it is fed, with the same result', async () => {
  const small = DATA.subarray(0, 3 * 1024 * 1024);
  const h = hashStream(small.length, 'sha512');
  for (const p of pieces(small)) h.update(p);
  assert.equal(await h.digest(), createHash('sha512').update(small).digest('hex'));
});

test('streams fed side by side keep their own digests; a dropped one leaves nothing behind', async () => {
  const other = Buffer.from(DATA).reverse();
  const a = hashStream(DATA.length);
  const b = hashStream(other.length);
  const dropped = hashStream(DATA.length);
  const pa = [...pieces(DATA)];
  const pb = [...pieces(other)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i]) a.update(pa[i] as Buffer);
    if (pb[i]) b.update(pb[i] as Buffer);
    if (pa[i]) dropped.update(pa[i] as Buffer);
  }
  dropped.abort();
  assert.deepEqual(await Promise.all([a.digest(), b.digest()]), [sha256(DATA), sha256(other)]);
  // The worker that held the dropped stream serves the next one.
  const c = hashStream(DATA.length);
  c.update(DATA);
  assert.equal(await c.digest(), sha256(DATA));
});

test('a range of a file is hashed on a worker, and a range past the end is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-hash-'));
  try {
    const path = join(dir, 'data');
    writeFileSync(path, DATA);
    const fd = openSync(path, 'r');
    try {
      assert.equal(await hashFileRange(fd, 100, DATA.length - 100), sha256(DATA.subarray(100)));
      await assert.rejects(hashFileRange(fd, 100, DATA.length), /the file ended 100 bytes before the range/);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the workers do not keep a process alive once its digests are in, or dropped', () => {
  const run = (body: string): { status: number | null; stdout: string; stderr: string } => {
    const script = `import { hashStream } from ${JSON.stringify(new URL('./hash-workers.ts', import.meta.url).href)};\n${body}`;
    return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  };
  // A read that fails before any digest: the worker it started must not hold the process.
  const dropped = run(`const h = hashStream(40 * 1024 * 1024); h.update(Buffer.alloc(2 * 1024 * 1024, 2)); h.abort(); console.log('dropped');`);
  assert.deepEqual([dropped.status, dropped.stdout.trim()], [0, 'dropped'], dropped.stderr);
  const done = run(`const h = hashStream(40 * 1024 * 1024); h.update(Buffer.alloc(40 * 1024 * 1024, 1)); console.log(await h.digest());`);
  assert.equal(done.status, 0, done.stderr);
  assert.equal(done.stdout.trim(), sha256(Buffer.alloc(40 * 1024 * 1024, 1)));
});
