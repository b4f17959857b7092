/**
 * Layer semantics against Docker itself: a crafted two-layer image (whiteouts, an opaque
 * directory, absolute and climbing symlinks, a file written through a symlink, hard
 * links, a file replacing a directory, setuid and world-writable modes) is read by Moat
 * from its archive, and loaded into the real engine, whose `docker export` of a container
 * is the merged file system as Docker computes it. The two must agree entry for entry.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanImage } from '../../src/doors/image/scan.ts';
import { docker } from '../support/engine.ts';
import { dockerExport } from '../support/images.ts';
import { dir, dockerSaveLegacy, file, hardlink, makeTar, symlink, type Entry } from '../support/tar.ts';

const TAG = `moat-test/merge-semantics:${process.pid}`;
let work: string;
let archive: string;

const layer1: Entry[] = [
  dir('bin/'),
  { name: 'bin/suid', data: 'x', mode: 0o4755 },
  dir('etc/'),
  file('etc/keep', 'k'),
  file('etc/gone', 'g'),
  hardlink('etc/hl', 'etc/keep'),
  { name: 'etc/owned', data: 'o', uid: 1000, gid: 1000 },
  dir('opq/'),
  file('opq/a', 'a'),
  dir('opq/sub/'),
  file('opq/sub/b', 'b'),
  dir('deldir/'),
  file('deldir/x', 'x'),
  dir('replaced/'),
  file('replaced/child', 'c'),
  { name: 'tmpw', data: 'w', mode: 0o777 },
  dir('usr/'),
  dir('usr/lib/'),
  file('usr/lib/os-release', 'ID=debian\nVERSION_ID="12"\n'),
  symlink('etc/os-release', '../usr/lib/os-release'),
  symlink('abs', '/etc'),
  dir('deep/'),
  dir('deep/er/'),
  symlink('deep/er/climb', '../../../../etc'),
  { name: 'dev-null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
  file('hidden-by-device', 'an overlay whiteout (char 0:0) in the next layer hides this'),
  { name: 'fifo', type: 'fifo', mode: 0o644 },
  symlink('inlayer', '/etc'),
  file('inlayer/via-own-symlink', 'written through a symlink of the same layer'),
  hardlink('etc/hl-same-layer', 'etc/owned'),
];
const layer2: Entry[] = [
  file('etc/.wh.gone', ''),
  file('opq/.wh..wh..opq', ''),
  file('opq/new', 'n'),
  file('.wh.deldir', ''),
  file('abs/through-absolute', 'via an absolute symlink'),
  file('deep/er/climb/through-climbing', 'via a climbing symlink'),
  file('etc/keep', 'k2'),
  file('replaced', 'now a file'),
  { name: 'hidden-by-device', type: 'character-device', devmajor: 0, devminor: 0 },
  { name: 'etc/suid-by-link', data: 's', mode: 0o755 },
  { ...hardlink('etc/suid-link', 'etc/suid-by-link'), mode: 0o4755 },
];

/** Files Docker adds to every container (its init layer), not part of the image. */
const DOCKER_INIT = new Set(['.dockerenv', 'dev', 'dev/console', 'dev/pts', 'dev/shm', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf', 'etc/mtab', 'proc', 'sys']);

interface Row {
  path: string;
  type: string;
  mode: string;
  owner: string;
  size: number;
  link?: string;
}

function walkExport(root: string, rel = ''): Row[] {
  const rows: Row[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(root, path));
    const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : st.isCharacterDevice() ? 'char' : st.isFIFO() ? 'fifo' : 'other';
    if (!DOCKER_INIT.has(path)) {
      rows.push({ path, type, mode: (st.mode & 0o7777).toString(8), owner: `${st.uid}:${st.gid}`, size: type === 'file' ? st.size : 0, ...(type === 'symlink' ? { link: readlinkSync(join(root, path)) } : {}) });
    }
    if (type === 'dir') rows.push(...walkExport(root, path));
  }
  return rows;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'moat-merge-'));
  archive = join(work, 'image.tar');
  writeFileSync(archive, await dockerSaveLegacy([await makeTar(layer1), await makeTar(layer2)], { tag: TAG }));
  await docker('load', '-i', archive);
});
after(async () => {
  await docker('rmi', '-f', TAG).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

test('the merged view equals docker export of the same image, entry for entry', async () => {
  const scan = await scanImage(`docker-archive:${archive}`);
  const exported = join(work, 'export');
  await dockerExport(TAG, exported);
  const expected = walkExport(exported).sort((a, b) => (a.path < b.path ? -1 : 1));
  const got: Row[] = [...scan.files.walk()]
    .filter((f) => !DOCKER_INIT.has(f.path))
    .map((f) => ({ path: f.path, type: f.type, mode: f.mode.toString(8), owner: `${f.uid}:${f.gid}`, size: f.size, ...(f.linkname !== undefined ? { link: f.linkname } : {}) }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  assert.deepEqual(got, expected);
});

test('whiteouts, opaque directories, writes through symlinks and hard links have Docker semantics', async () => {
  const scan = await scanImage(`docker-archive:${archive}`);
  const f = scan.files;
  assert.equal(f.stat('etc/gone'), undefined, 'whited-out file gone');
  assert.equal(f.stat('deldir', false), undefined, 'whited-out directory gone');
  assert.deepEqual(f.list('opq'), ['new'], 'opaque directory hides the lower layer only');
  // Each layer is unpacked on its own: a lower layer's symlink is replaced by the upper
  // layer's directory, never followed (to the host's /etc or anywhere).
  assert.equal(f.stat('abs', false)?.type, 'dir');
  assert.equal(f.stat('abs/through-absolute')?.layer?.index, 1);
  assert.equal(f.stat('etc/through-absolute'), undefined);
  assert.equal(f.stat('deep/er/climb', false)?.type, 'dir');
  // Within one layer, its own symlink is followed inside the image root (a chroot).
  assert.equal(f.stat('etc/via-own-symlink')?.type, 'file');
  assert.equal(f.stat('inlayer', false)?.type, 'symlink');
  assert.equal(f.stat('replaced', false)?.type, 'file');
  assert.equal(f.stat('replaced/child'), undefined);
  assert.equal(f.stat('etc/hl')?.size, 1, 'a hard link keeps the old file when its first name is replaced');
  assert.equal(f.stat('etc/keep')?.size, 2);
  assert.equal(f.stat('etc/hl-same-layer')?.hardlinkOf, 'etc/owned');
  assert.equal(f.stat('bin/suid')?.mode, 0o4755);
  assert.equal(f.stat('hidden-by-device'), undefined, 'a 0:0 character device is an overlay whiteout');
  assert.equal(f.stat('dev-null')?.type, 'char');
  assert.equal(f.stat('etc/suid-by-link')?.mode, 0o4755, 'a hard-link entry sets the mode of the file it shares');
  assert.equal(f.stat('etc/os-release')?.path, 'usr/lib/os-release', 'stat follows symlinks inside the image');
  assert.equal(scan.inventory.os?.id, 'debian');
  assert.equal(scan.inventory.os?.foundIn, 'usr/lib/os-release');
  assert.deepEqual(scan.inventory.problems, []);
});
