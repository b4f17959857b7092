import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseDockerd, findDockerd, listDockerd, parseCmdline, type DockerdProcess } from './process.ts';

async function fakeProc(procs: Array<{ pid: number; comm: string; argv: string[]; ns?: string; cwd?: string }>, hostNs?: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'moat-proc-'));
  for (const p of procs) {
    const dir = join(root, 'proc', String(p.pid));
    await mkdir(join(dir, 'ns'), { recursive: true });
    await writeFile(join(dir, 'comm'), `${p.comm}\n`);
    await writeFile(join(dir, 'cmdline'), p.argv.join('\0') + '\0');
    if (p.ns) await symlink(p.ns, join(dir, 'ns', 'pid'));
    if (p.cwd) await symlink(p.cwd, join(dir, 'cwd'));
  }
  await mkdir(join(root, 'proc', '1', 'ns'), { recursive: true });
  if (hostNs) await symlink(hostNs, join(root, 'proc', '1', 'ns', 'pid'));
  await mkdir(join(root, 'proc', 'self'), { recursive: true });
  return root;
}

test('cmdline: NUL-separated words, the trailing NUL ends the last one, empty words are kept', () => {
  assert.deepEqual(parseCmdline('/usr/bin/dockerd\0-H\0fd://\0'), ['/usr/bin/dockerd', '-H', 'fd://']);
  assert.deepEqual(parseCmdline('dockerd\0--label\0\0'), ['dockerd', '--label', '']);
});

test('finds dockerd by comm under the host root and reads its argv, namespace and cwd', async () => {
  const root = await fakeProc(
    [
      { pid: 300, comm: 'containerd', argv: ['containerd'] },
      { pid: 2822, comm: 'dockerd', argv: ['/usr/sbin/dockerd', '-H', 'fd://', '--icc=false'], ns: 'pid:[4026531836]', cwd: '/' },
    ],
    'pid:[4026531836]',
  );
  try {
    const found = await listDockerd(root);
    assert.deepEqual(found, [{ pid: 2822, argv: ['/usr/sbin/dockerd', '-H', 'fd://', '--icc=false'], pidNamespace: 'pid:[4026531836]', cwd: '/' }]);
    assert.equal((await findDockerd(root))?.pid, 2822);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('no dockerd, or no /proc at all, is not an error', async () => {
  const root = await fakeProc([{ pid: 5, comm: 'sshd', argv: ['sshd'] }]);
  try {
    assert.equal(await findDockerd(root), undefined);
    assert.equal(await findDockerd(join(root, 'nowhere')), undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('prefers the dockerd in the host PID namespace over one inside a container', () => {
  const dind: DockerdProcess = { pid: 100, argv: ['dockerd'], pidNamespace: 'pid:[2]' };
  const host: DockerdProcess = { pid: 900, argv: ['dockerd'], pidNamespace: 'pid:[1]' };
  assert.equal(chooseDockerd([dind, host], { hostPidNamespace: 'pid:[1]' })?.pid, 900);
});

test('among host daemons, prefers the one whose data root the engine reports (userns-remap subdirectory included)', () => {
  const rootful: DockerdProcess = { pid: 100, argv: ['dockerd'] };
  const other: DockerdProcess = { pid: 200, argv: ['dockerd', '--data-root=/srv/docker', '--userns-remap=default'] };
  assert.equal(chooseDockerd([rootful, other], { dockerRootDir: '/srv/docker/100000.100000' })?.pid, 200);
  assert.equal(chooseDockerd([other, rootful], { dockerRootDir: '/var/lib/docker' })?.pid, 100);
  // Nothing to tell them apart: the oldest (lowest pid) is the system daemon more often than not.
  assert.equal(chooseDockerd([other, rootful], {})?.pid, 100);
});

test("a rootless dockerd without --data-root is matched by its default data root in its user's home", () => {
  const system: DockerdProcess = { pid: 100, argv: ['dockerd', '-H', 'fd://'] };
  const rootless: DockerdProcess = { pid: 900, argv: ['dockerd'], uid: 1000, env: { HOME: '/home/u', ROOTLESSKIT_STATE_DIR: '/tmp/rk' } };
  assert.equal(chooseDockerd([system, rootless], { dockerRootDir: '/home/u/.local/share/docker' })?.pid, 900);
  const xdg: DockerdProcess = { ...rootless, env: { HOME: '/home/u', XDG_DATA_HOME: '/data/u', ROOTLESSKIT_STATE_DIR: '/tmp/rk' } };
  assert.equal(chooseDockerd([system, xdg], { dockerRootDir: '/data/u/docker' })?.pid, 900);
  // The same environment without RootlessKit's marker is a system daemon's: its default stays /var/lib/docker.
  const notRootless: DockerdProcess = { pid: 900, argv: ['dockerd'], env: { HOME: '/home/u' } };
  assert.equal(chooseDockerd([system, notRootless], { dockerRootDir: '/var/lib/docker' })?.pid, 100);
});
