import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCacheDir } from './compile-cache.ts';

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'moat-ccache-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the cache is made in the user's own cache directory, readable by the user alone", () => {
  withDir((home) => {
    const dir = compileCacheDir({ HOME: home });
    assert.equal(dir, join(home, '.cache/moat/node-compile-cache'));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(compileCacheDir({ HOME: home, XDG_CACHE_HOME: join(home, 'xdg') }), join(home, 'xdg/moat/node-compile-cache'));
    // Relative settings are not trusted to mean the same place from every working directory.
    assert.equal(compileCacheDir({ HOME: home, XDG_CACHE_HOME: 'rel' }), join(home, '.cache/moat/node-compile-cache'));
    assert.equal(compileCacheDir({ HOME: 'rel' }), undefined);
    assert.equal(compileCacheDir({}), undefined);
  });
});

test('no cache where another user could have put code: a directory writable by others, or not owned by the user', () => {
  withDir((base) => {
    mkdirSync(join(base, 'moat/node-compile-cache'), { recursive: true });
    chmodSync(join(base, 'moat'), 0o777);
    assert.equal(compileCacheDir({ XDG_CACHE_HOME: base }), undefined, 'moat/ writable by others');
    chmodSync(join(base, 'moat'), 0o700);
    chmodSync(join(base, 'moat/node-compile-cache'), 0o770);
    assert.equal(compileCacheDir({ XDG_CACHE_HOME: base }), undefined, 'the cache writable by its group');
    chmodSync(join(base, 'moat/node-compile-cache'), 0o700);
    assert.equal(compileCacheDir({ XDG_CACHE_HOME: base }), join(base, 'moat/node-compile-cache'));
    const someoneElse = (process.getuid?.() ?? 0) + 1;
    assert.equal(compileCacheDir({ XDG_CACHE_HOME: base }, someoneElse), undefined, 'owned by another user');
  });
});

test('NODE_DISABLE_COMPILE_CACHE turns it off; a home that cannot be written leaves Moat without it', () => {
  withDir((home) => {
    assert.equal(compileCacheDir({ HOME: home, NODE_DISABLE_COMPILE_CACHE: '1' }), undefined);
    assert.deepEqual(readdirSync(home), [], 'nothing made');
    // (Root writes anywhere a mode allows nothing: a file where the home should be stands in for a read-only home.)
    writeFileSync(join(home, 'file'), '');
    assert.equal(compileCacheDir({ HOME: join(home, 'file') }), undefined);
  });
});

test("the CLI keeps its compiled code there, and nowhere in the shared temp directory", () => {
  withDir((dir) => {
    const home = join(dir, 'home');
    const tmp = join(dir, 'tmp');
    mkdirSync(home);
    mkdirSync(tmp);
    const bin = new URL('./bin.ts', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, 'rules', '--format', 'json'], { env: { PATH: process.env['PATH'], HOME: home, TMPDIR: tmp }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const cache = join(home, '.cache/moat/node-compile-cache');
    const versions = readdirSync(cache);
    assert.equal(versions.length, 1, 'one directory per Node version and flags');
    assert.ok(readdirSync(join(cache, versions[0] as string)).length > 0, 'compiled code was kept');
    assert.deepEqual(readdirSync(tmp), []);
  });
});
