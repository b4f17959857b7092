import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileFact, resolveUnder, type Names } from './files.ts';

const names: Names = { users: new Map([[0, 'root'], [1000, 'alice']]), groups: new Map([[0, 'root']]) };

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'moat-files-'));
  try {
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('an absolute link inside the root resolves inside the root (/var/run -> /run)', () =>
  withRoot(async (root) => {
    await mkdir(join(root, 'run'));
    await mkdir(join(root, 'var'));
    await symlink('/run', join(root, 'var/run'));
    // A name the real /run does not have: escaping the root would find nothing.
    await writeFile(join(root, 'run/moat-test-only.sock'), '');
    await chmod(join(root, 'run/moat-test-only.sock'), 0o640);
    await chown(join(root, 'run/moat-test-only.sock'), 1000, 4242);
    assert.equal(await resolveUnder(root, '/var/run/moat-test-only.sock', true), '/run/moat-test-only.sock');
    const f = await fileFact(root, '/var/run/moat-test-only.sock', names);
    assert.deepEqual(f, { path: '/var/run/moat-test-only.sock', exists: true, type: 'file', mode: 0o640, uid: 1000, gid: 4242, user: 'alice' });
  }));

test('a final link is followed: the facts are those of its target', () =>
  withRoot(async (root) => {
    await mkdir(join(root, 'lib/systemd/system'), { recursive: true });
    await mkdir(join(root, 'etc/systemd/system'), { recursive: true });
    await writeFile(join(root, 'lib/systemd/system/docker.service'), '[Unit]\n');
    await chmod(join(root, 'lib/systemd/system/docker.service'), 0o600);
    await symlink('../../../lib/systemd/system/docker.service', join(root, 'etc/systemd/system/docker.service'));
    const f = await fileFact(root, '/etc/systemd/system/docker.service', names);
    assert.equal(f.type, 'file');
    assert.equal(f.mode, 0o600);
  }));

test('.. cannot climb out of the root', () =>
  withRoot(async (root) => {
    await mkdir(join(root, 'etc'));
    await writeFile(join(root, 'etc/passwd'), 'fake\n');
    await chown(join(root, 'etc/passwd'), 4321, 4321);
    await symlink('../../../../../../etc/passwd', join(root, 'etc/evil'));
    assert.equal((await fileFact(root, '/etc/evil', names)).uid, 4321);
  }));

test('a missing file does not exist; a dangling link exists but cannot be read', () =>
  withRoot(async (root) => {
    assert.deepEqual(await fileFact(root, '/etc/docker/daemon.json', names), { path: '/etc/docker/daemon.json', exists: false });
    await symlink('/nowhere', join(root, 'dangling'));
    const f = await fileFact(root, '/dangling', names);
    assert.equal(f.exists, true);
    assert.equal(f.type, 'symlink');
    assert.match(f.error ?? '', /symbolic link to \/nowhere.*ENOENT/);
  }));

test('a read failure other than absence becomes an error on the fact, not an exception', () =>
  withRoot(async (root) => {
    await symlink('b', join(root, 'a'));
    await symlink('a', join(root, 'b'));
    const loop = await fileFact(root, '/a', names);
    assert.match(loop.error ?? '', /ELOOP/);
    const long = await fileFact(root, `/${'x'.repeat(300)}`, names);
    assert.match(long.error ?? '', /ENAMETOOLONG/);
  }));
