import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Spool, type DropCount, type SpoolEntry } from './spool.ts';
import { MoatError } from '../../util/errors.ts';

const hex = (n: number): string => n.toString(16).padStart(64, 'a');

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'moat-spool-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'buffer');
}

test('documents survive a restart, in the order they were added, byte for byte', async (t) => {
  const dir = tempDir(t);
  const first = await Spool.open({ dir });
  const bodies = [randomBytes(100), randomBytes(2000), randomBytes(10)];
  await first.add('report', hex(1), bodies[0] as Buffer);
  await first.add('alerts', '6f1c2a9e-1b2c-4d5e-8f90-0123456789ab', bodies[1] as Buffer);
  await first.add('report', hex(3), bodies[2] as Buffer);
  await first.close();

  const again = await Spool.open({ dir });
  t.after(() => again.close());
  const listed = again.list();
  assert.deepEqual(listed.map((e) => [e.kind, e.id]), [['report', hex(1)], ['alerts', '6f1c2a9e-1b2c-4d5e-8f90-0123456789ab'], ['report', hex(3)]]);
  for (const [i, e] of listed.entries()) assert.deepEqual(await again.read(e), bodies[i]);
  assert.deepEqual(again.size, { count: 3, bytes: 2110 });
  // A document added after the restart sorts after the ones left.
  await again.add('report', hex(4), Buffer.from('x'));
  assert.equal(again.list().at(-1)?.id, hex(4));
  await again.remove(listed[0] as SpoolEntry);
  assert.deepEqual(again.list().map((e) => e.id), ['6f1c2a9e-1b2c-4d5e-8f90-0123456789ab', hex(3), hex(4)]);
  assert.equal(readdirSync(dir).filter((n) => n.endsWith('.json.gz')).length, 3, 'a removed document leaves the disk');
});

test('the buffer keeps at most N documents: the oldest are dropped, counted, said, and the count survives a restart', async (t) => {
  const dir = tempDir(t);
  const said: Array<[SpoolEntry, DropCount]> = [];
  const s = await Spool.open({ dir, maxCount: 3, onDrop: (e, total) => said.push([e, total]) });
  for (let i = 1; i <= 5; i++) await s.add(i === 2 ? 'alerts' : 'report', hex(i), Buffer.alloc(10, i));
  assert.deepEqual(s.list().map((e) => e.id), [hex(3), hex(4), hex(5)]);
  assert.deepEqual(said.map(([e]) => e.id), [hex(1), hex(2)]);
  assert.deepEqual(said.map(([, d]) => [d.reports, d.alertBatches, d.bytes]), [[1, 0, 10], [1, 1, 20]]);
  assert.match(said[0]?.[1].since ?? '', /^\d{4}-\d\d-\d\dT/);
  // Only complete documents are on disk: the dropped ones' files are gone.
  assert.equal(readdirSync(dir).filter((n) => n.endsWith('.json.gz')).length, 3);
  await s.close();

  const again = await Spool.open({ dir, maxCount: 3 });
  t.after(() => again.close());
  assert.deepEqual({ ...again.dropped(), since: undefined }, { reports: 1, alertBatches: 1, bytes: 20, since: undefined });
  // A report carrying the count is added, and its addition drops one more: that one is still to be told.
  const carried = again.dropped();
  await again.add('report', hex(6), Buffer.alloc(10));
  assert.deepEqual(again.list().map((e) => e.id), [hex(4), hex(5), hex(6)]);
  await again.forgetDropped(carried);
  assert.deepEqual({ ...again.dropped(), since: undefined }, { reports: 1, alertBatches: 0, bytes: 10, since: undefined });
  await again.close();
  const third = await Spool.open({ dir, maxCount: 3 });
  t.after(() => third.close());
  assert.equal(third.dropped().reports, 1, 'what is left to tell survives a restart');
  await third.forgetDropped(third.dropped());
  assert.deepEqual(third.dropped(), { reports: 0, alertBatches: 0, bytes: 0 }, 'nothing left to tell');
});

test('the byte bound drops the oldest, but never the document just added', async (t) => {
  const dir = tempDir(t);
  const s = await Spool.open({ dir, maxBytes: 1000 });
  t.after(() => s.close());
  await s.add('report', hex(1), Buffer.alloc(400));
  await s.add('report', hex(2), Buffer.alloc(400));
  await s.add('report', hex(3), Buffer.alloc(400));
  assert.deepEqual(s.list().map((e) => e.id), [hex(2), hex(3)]);
  assert.equal(s.size.bytes, 800);
  // Larger than the whole bound: everything older goes, the new one is still sent.
  await s.add('report', hex(4), Buffer.alloc(5000));
  assert.deepEqual(s.list().map((e) => e.id), [hex(4)]);
  assert.deepEqual(s.dropped().reports, 3);
});

test('a document half-written when the agent died is discarded at start; only 0600 files in a 0700 directory', async (t) => {
  const dir = tempDir(t);
  const s = await Spool.open({ dir });
  await s.add('report', hex(1), Buffer.from('whole'));
  await s.close();
  writeFileSync(join(dir, `.tmp-${String(Date.now() * 1000 + 5).padStart(16, '0')}-report-${hex(2)}.json.gz`), 'half');
  writeFileSync(join(dir, 'notes.txt'), 'not ours');
  const again = await Spool.open({ dir });
  t.after(() => again.close());
  assert.deepEqual(again.list().map((e) => e.id), [hex(1)]);
  assert.ok(!readdirSync(dir).some((n) => n.startsWith('.tmp-')), 'temp file removed');
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  for (const e of again.list()) assert.equal(statSync(join(dir, e.name)).mode & 0o777, 0o600);
  await assert.rejects(again.add('report', '../../etc/passwd', Buffer.from('x')), /not hex or a uuid/);
});

test('two agents on one buffer: the second is refused with the first one\'s pid; a lock left by a dead agent is taken over', async (t) => {
  const dir = tempDir(t);
  const s = await Spool.open({ dir });
  await s.close();
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  writeFileSync(join(dir, 'agent.lock'), `${child.pid}\n`);
  await assert.rejects(Spool.open({ dir }), (e: unknown) => e instanceof MoatError && e.kind === 'config' && e.message.includes(`pid ${child.pid}`) && e.message.includes('--buffer DIR'));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const taken = await Spool.open({ dir });
  t.after(() => taken.close());
  assert.equal(taken.list().length, 0);
});

test('an unwritable buffer place is a located config error', async (t) => {
  const dir = tempDir(t);
  writeFileSync(dir, 'a file, not a directory');
  await assert.rejects(Spool.open({ dir: join(dir, 'sub') }), (e: unknown) => e instanceof MoatError && e.message.includes(join(dir, 'sub')) && e.message.includes('--buffer DIR'));
});
