import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceNodesOf, hostSockets, socketsReached } from './host-objects.ts';

/** A block device this machine really has (from /sys/dev/block), as /dev/NAME and major:minor. */
function someBlockDevice(): { path: string; major: number; minor: number } {
  const id = readdirSync('/sys/dev/block')[0] as string;
  const name = /DEVNAME=(.+)/.exec(readFileSync(`/sys/dev/block/${id}/uevent`, 'utf8'))?.[1] as string;
  const [major, minor] = id.split(':').map(Number) as [number, number];
  return { path: `/dev/${name}`, major, minor };
}

test('devices are what the path leads to: spellings, /proc/self/root and links reach the same node', async () => {
  const disk = someBlockDevice();
  const dir = mkdtempSync(join(tmpdir(), 'moat-dev-'));
  try {
    symlinkSync(disk.path, join(dir, 'innocent'));
    const name = disk.path.slice('/dev/'.length);
    for (const spelling of [disk.path, `/${disk.path}`, `/dev/./${name}`, `/dev/../dev/${name}`, `/proc/self/root${disk.path}`, join(dir, 'innocent')]) {
      const nodes = await deviceNodesOf(spelling);
      assert.ok(nodes.some((n) => n.kind === 'block' && n.major === disk.major && n.minor === disk.minor), `${spelling}: ${JSON.stringify(nodes)}`);
    }
    assert.deepEqual(await deviceNodesOf('/dev/null'), [{ kind: 'char', path: '/dev/null', major: 1, minor: 3 }]);
    assert.equal((await deviceNodesOf(join(dir, 'absent')))[0]?.kind, 'missing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory counts as every device node under it, as dockerd adds them all', async () => {
  const disk = someBlockDevice();
  const nodes = await deviceNodesOf('/dev');
  assert.ok(nodes.some((n) => n.kind === 'block' && n.major === disk.major && n.minor === disk.minor));
});

test('sockets are found by what they are: the listening daemon, a hard link under another name, a directory above', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-sock-'));
  const server = createServer();
  const path = join(dir, 'docker.sock');
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    linkSync(path, join(dir, 'harmless'));
    const t0 = performance.now();
    const all = await hostSockets('/', Date.now() + 60_000);
    const ms = performance.now() - t0;
    assert.ok(all.some((s) => s.path === path && s.owner === 'engine'), JSON.stringify(all.map((s) => s.path)));
    // Cached: the next decision within the window does not read /proc again.
    assert.equal(hostSockets('/', Date.now() + 60_001), hostSockets('/', Date.now() + 60_002));
    assert.ok(ms < 2000, `reading the host's sockets took ${ms} ms`);
    const viaLink = await socketsReached(join(dir, 'harmless'));
    assert.deepEqual(viaLink.map((s) => [s.path, s.owner, s.direct]), [[path, 'engine', true]]);
    const viaDir = await socketsReached(`${dir}/`);
    assert.ok(viaDir.some((s) => s.path === path && !s.direct));
    assert.deepEqual(await socketsReached(join(dir, 'nothing-here')), []);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
