import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lstatHere, mountPointsOf, onLocalFs, readdirHere, readlinkHere, readTextHere, statFileHere, statHere } from './local-lookup.ts';

// Two mounts at /mnt/share: the NFS one was mounted last, so it is the one a lookup meets.
const MOUNTINFO = [
  '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
  '30 22 0:26 / /run rw,nosuid shared:5 - tmpfs tmpfs rw',
  '41 22 254:1 /srv /mnt/share rw shared:1 - ext4 /dev/vda1 rw',
  '42 41 0:51 / /mnt/share rw,relatime shared:20 - nfs4 files:/export rw,vers=4.2',
  '43 22 0:52 / /home/u/remote rw shared:21 - fuse.sshfs u@host: rw',
  '44 22 0:53 / /mnt/auto rw shared:22 - autofs systemd-1 rw',
  '45 22 0:54 / /mnt/my\\040disk rw shared:23 - xfs /dev/vdb rw',
].join('\n');

test('a path is looked up synchronously only on a local file system, by the mount on top at its longest mount point', () => {
  const table = mountPointsOf(MOUNTINFO);
  const local = (p: string): boolean => onLocalFs(p, table);
  assert.equal(local('/etc/passwd'), true);
  assert.equal(local('/run/docker.sock'), true);
  assert.equal(local('/runner/x'), true, '/runner is not under /run');
  assert.equal(local('/mnt/share'), false);
  assert.equal(local('/mnt/share/data/x'), false);
  assert.equal(local('/home/u/remote/a'), false);
  assert.equal(local('/home/u/remote-not/a'), true);
  assert.equal(local('/mnt/auto/x'), false, 'autofs may mount on lookup, and wait for it');
  assert.equal(local('/mnt/my disk/f'), true, 'escaped mount points are read as the kernel wrote them');
  // Another process's root is another mount namespace: never judged by this table.
  assert.equal(local('/proc/1/root/etc'), false);
  assert.equal(local('/proc/self/root'), false);
  // No table (no /proc): nothing is known to be local.
  assert.equal(onLocalFs('/etc', new Map()), false);
});

test('the walk up a path agrees with the longest matching mount point, for every path made of the table\'s components', () => {
  const lines = [
    '22 1 254:1 / / rw - ext4 /dev/vda1 rw',
    '30 22 0:26 / /run rw - tmpfs tmpfs rw',
    '31 30 0:27 / /run/user/0 rw - fuse.sshfs x rw',
    '32 31 0:28 / /run/user/0/d rw - tmpfs tmpfs rw',
    '33 22 0:29 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw',
    '34 22 0:30 / /var rw - nfs4 f:/e rw',
    '35 34 0:31 / /var rw - ext4 /dev/vdb rw',
    '36 22 0:32 / /srv rw - cifs //h/s rw',
  ];
  const table = mountPointsOf(lines.join('\n'));
  // The reading before the walk: every mount whose point is the path or above it, the longest, the later line of two at one point.
  const rows = lines.map((l) => l.split(' ')).map((f) => ({ point: f[4] as string, local: !['fuse.sshfs', 'nfs4', 'cifs'].includes(f[f.indexOf('-') + 1] as string) }));
  const reference = (p: string): boolean => {
    let best: { point: string; local: boolean } | undefined;
    for (const r of rows) if ((r.point === '/' || p === r.point || p.startsWith(`${r.point}/`)) && (!best || r.point.length >= best.point.length)) best = r;
    return best?.local ?? false;
  };
  const parts = ['run', 'user', '0', 'd', 'var', 'lib', 'docker', 'overlay2', 'abc', 'merged', 'srv', 'x', ''];
  let checked = 0;
  const visit = (p: string, depth: number): void => {
    assert.equal(onLocalFs(p, table), reference(p), p);
    checked++;
    if (depth < 4) for (const c of parts) visit(`${p}/${c}`, depth + 1);
  };
  visit('', 0);
  assert.ok(checked > 30000, `${checked} paths`);
});

test("this host's own table agrees with findmnt on what each path lies on", () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-local-'));
  try {
    for (const p of ['/', '/etc/hostname', '/proc/self/status', '/sys/kernel', '/dev/null', dir]) {
      const fstype = execFileSync('findmnt', ['-n', '-o', 'FSTYPE', '--target', p], { encoding: 'utf8' }).trim().split('\n').pop() ?? '';
      const expected = !/^(nfs|cifs|smb|fuse|9p|ceph|autofs|glusterfs|virtiofs)/.test(fstype);
      assert.equal(onLocalFs(p), expected, `${p} lies on ${fstype}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lookups answer as the fs calls do: undefined for nothing there, errors other than ENOENT thrown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-local-'));
  try {
    writeFileSync(join(dir, 'file'), 'x');
    mkdirSync(join(dir, 'sub'));
    symlinkSync('/nowhere/at/all', join(dir, 'dangling'));
    assert.equal((await lstatHere(join(dir, 'file')))?.isFile(), true);
    assert.equal((await lstatHere(join(dir, 'dangling')))?.isSymbolicLink(), true);
    assert.equal(await readlinkHere(join(dir, 'dangling')), '/nowhere/at/all');
    assert.equal(await lstatHere(join(dir, 'missing')), undefined);
    assert.equal(await statHere(join(dir, 'dangling')), undefined, 'stat follows the link to nothing');
    assert.equal(typeof (await statHere(join(dir, 'sub')))?.ino, 'bigint');
    await assert.rejects(lstatHere(join(dir, 'file', 'below')), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
    assert.equal(await statFileHere(join(dir, 'dangling')), undefined);
    assert.equal((await statFileHere(join(dir, 'sub')))?.isDirectory(), true);
    assert.equal(typeof (await statFileHere(join(dir, 'sub')))?.ino, 'number');
    assert.equal(await readTextHere(join(dir, 'file')), 'x');
    assert.deepEqual((await readdirHere(dir)).sort(), ['dangling', 'file', 'sub']);
    // As readFile and readdir: a rejection (never a throw out of the call), with the fs code.
    await assert.rejects(readTextHere(join(dir, 'missing')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    await assert.rejects(readTextHere(join(dir, 'sub')), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
    await assert.rejects(readdirHere(join(dir, 'file')), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
