import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostPathError, hostPathReadings, resolveHostPath } from './resolve-path.ts';

/** A host tree under a temp root: /var/run -> /run, /run/docker.sock, and links pointing into it. */
function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'moat-host-'));
  mkdirSync(join(root, 'run'));
  writeFileSync(join(root, 'run/docker.sock'), '');
  mkdirSync(join(root, 'var'));
  symlinkSync('../run', join(root, 'var/run'));
  mkdirSync(join(root, 'tmp'));
  symlinkSync('/var/run/docker.sock', join(root, 'tmp/x'));
  symlinkSync('/tmp/x', join(root, 'tmp/chain'));
  symlinkSync('/var/run', join(root, 'tmp/dir'));
  symlinkSync('/nowhere/yet', join(root, 'tmp/dangling'));
  symlinkSync('loop2', join(root, 'tmp/loop1'));
  symlinkSync('loop1', join(root, 'tmp/loop2'));
  return root;
}

async function withTree(fn: (root: string) => Promise<void>): Promise<void> {
  const root = tree();
  try {
    await fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('links are followed component by component, relative and absolute, chained', () =>
  withTree(async (root) => {
    assert.equal(await resolveHostPath('/tmp/x', root), '/run/docker.sock');
    assert.equal(await resolveHostPath('/tmp/chain', root), '/run/docker.sock');
    assert.equal(await resolveHostPath('/tmp/dir/docker.sock', root), '/run/docker.sock');
    assert.equal(await resolveHostPath('/var/run', root), '/run');
    assert.equal(await resolveHostPath('/run/docker.sock', root), '/run/docker.sock');
  }));

test('what does not exist yet is judged as written, through the links before it', () =>
  withTree(async (root) => {
    assert.equal(await resolveHostPath('/tmp/dir/new/file', root), '/run/new/file');
    assert.equal(await resolveHostPath('/tmp/dangling', root), '/nowhere/yet');
    assert.equal(await resolveHostPath('/srv/data', root), '/srv/data');
  }));

test('.. is read as the kernel reads it, and as Go cleans it: both readings are judged', () =>
  withTree(async (root) => {
    // Kernel: /tmp/dir is /run, so /tmp/dir/../etc is /etc; filepath.Clean first gives /tmp/etc.
    assert.deepEqual(await hostPathReadings('/tmp/dir/../etc', root), ['/etc', '/tmp/etc']);
    assert.deepEqual(await hostPathReadings('/tmp/x', root), ['/run/docker.sock']);
  }));

test('a link loop is an error, not a hang', () =>
  withTree(async (root) => {
    await assert.rejects(resolveHostPath('/tmp/loop1', root), (e: unknown) => e instanceof HostPathError && /more than 40 symbolic links/.test(e.message));
  }));
