import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFileRange } from './hash-workers.ts';

// Over the size at which a worker takes over (32 MiB).
const DATA = randomBytes(40 * 1024 * 1024 + 12_345);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function withFile(data: Buffer, run: (fd: number, path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-hash-'));
  const path = join(dir, 'data');
  writeFileSync(path, data);
  const fd = openSync(path, 'r');
  return run(fd, path).finally(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });
}

test('ranges of a file are hashed on workers, side by side, and a range past the end is refused', () =>
  withFile(DATA, async (fd) => {
    const [a, b, small] = await Promise.all([hashFileRange(fd, 100, DATA.length - 100), hashFileRange(fd, 0, 33 * 1024 * 1024, 'sha512'), hashFileRange(fd, 7, 1000)]);
    assert.equal(a, sha256(DATA.subarray(100)));
    assert.equal(b, createHash('sha512').update(DATA.subarray(0, 33 * 1024 * 1024)).digest('hex'));
    assert.equal(small, sha256(DATA.subarray(7, 1007)));
    await assert.rejects(hashFileRange(fd, 100, DATA.length), /the file ended 100 bytes before the range/);
  }));

test('the workers run whatever flags started the process, and do not keep it alive once its digests are in', () =>
  withFile(DATA, async (_fd, path) => {
    // --input-type=module is inherited by workers unless they are given their own flags, and made their script ESM.
    const script = `
      import { openSync } from 'node:fs';
      import { hashFileRange } from ${JSON.stringify(new URL('./hash-workers.ts', import.meta.url).href)};
      console.log(await hashFileRange(openSync(${JSON.stringify(path)}, 'r'), 0, ${DATA.length}));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), sha256(DATA));
  }));
