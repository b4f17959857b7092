import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planWrites } from './writes.ts';

test('files written in an image directory put a tmpfs on that directory, marked as hiding the image content', () => {
  const plan = planWrites([{ path: '/tmp', kind: 0 }, { path: '/tmp/probe.out', kind: 1 }], []);
  assert.deepEqual(plan, { tmpfs: [{ path: '/tmp', hidesImageContent: true, examples: ['/tmp/probe.out'] }] });
});

test('a new directory tree is covered from the directory holding its top, and nested choices collapse', () => {
  const plan = planWrites(
    [
      { path: '/var', kind: 0 },
      { path: '/var/run', kind: 0 },
      { path: '/var/run/app.pid', kind: 1 },
      { path: '/var/cache', kind: 0 },
      { path: '/var/cache/app', kind: 1 },
      { path: '/var/cache/app/x', kind: 1 },
      { path: '/var/run/sub', kind: 0 },
      { path: '/var/run/sub/old', kind: 2 },
    ],
    [],
  );
  assert.deepEqual(plan.tmpfs.map((t) => t.path), ['/var/run', '/var/cache']);
  assert.deepEqual(plan.tmpfs[0]?.examples, ['/var/run/app.pid', '/var/run/sub/old']);
});

test('writes under mounts and engine-managed paths need no tmpfs', () => {
  const plan = planWrites([{ path: '/data', kind: 0 }, { path: '/data/db', kind: 1 }, { path: '/etc', kind: 0 }, { path: '/etc/resolv.conf', kind: 0 }, { path: '/dev/shm/x', kind: 1 }], ['/data']);
  assert.deepEqual(plan, { tmpfs: [] });
});

test('a write at the top of the filesystem blocks the read-only proposal, saying why', () => {
  const plan = planWrites([{ path: '/app.lock', kind: 1 }], []);
  assert.deepEqual(plan.tmpfs, []);
  assert.match(plan.blocker ?? '', /writes at the top of the filesystem \(\/app\.lock\)/);
});
