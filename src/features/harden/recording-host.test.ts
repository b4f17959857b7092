import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MoatError } from '../../util/errors.ts';
import { acquireRecordingLease, checkRecordingHost, type HostPaths } from './recording-host.ts';

/** A sysctl tree of its own (the real one is changed only by the integration tests), the real /proc, a regular file as the log. */
function host(ratelimit = '5', actions = 'kill_process kill_thread trap errno user_notif trace log'): HostPaths & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'moat-host-'));
  mkdirSync(join(dir, 'sys/kernel/seccomp'), { recursive: true });
  writeFileSync(join(dir, 'sys/kernel/printk_ratelimit'), `${ratelimit}\n`);
  writeFileSync(join(dir, 'sys/kernel/seccomp/actions_logged'), `${actions}\n`);
  writeFileSync(join(dir, 'kmsg'), '');
  return { dir, procSys: join(dir, 'sys'), proc: '/proc', kmsg: join(dir, 'kmsg'), lockFile: join(dir, 'lock') };
}
const ratelimit = (h: HostPaths): string => readFileSync(join(h.procSys, 'kernel/printk_ratelimit'), 'utf8').trim();

test('a host with the rate limit on needs one sysctl change; one with it off needs none', () => {
  const on = host('5');
  const off = host('0');
  try {
    assert.deepEqual(checkRecordingHost(on), { sysctl: { name: 'kernel.printk_ratelimit', from: '5', to: '0' } });
    assert.deepEqual(checkRecordingHost(off), {});
  } finally {
    rmSync(on.dir, { recursive: true });
    rmSync(off.dir, { recursive: true });
  }
});

test('refusals say what is wrong and what to do: LOG actions not logged, an audit daemon running', () => {
  const h = host('5', 'kill_process kill_thread errno');
  try {
    assert.throws(() => checkRecordingHost(h), (e: unknown) => e instanceof MoatError && e.kind === 'incomplete' && /does not log SCMP_ACT_LOG.*sysctl -w kernel.seccomp.actions_logged="kill_process kill_thread errno log"/.test(e.message));
    writeFileSync(join(h.procSys, 'kernel/seccomp/actions_logged'), 'log\n');
    mkdirSync(join(h.dir, 'proc/4242'), { recursive: true });
    writeFileSync(join(h.dir, 'proc/4242/comm'), 'auditd\n');
    assert.throws(() => checkRecordingHost({ ...h, proc: join(h.dir, 'proc') }), /auditd, pid 4242.*stop auditd while recording/);
  } finally {
    rmSync(h.dir, { recursive: true });
  }
});

test('the lease sets the rate limit off, holds the lock, and restores both on release', async () => {
  const h = host('5');
  try {
    const lease = await acquireRecordingLease({ paths: h });
    assert.equal(ratelimit(h), '0');
    assert.ok(existsSync(h.lockFile));
    assert.equal(JSON.parse(readFileSync(h.lockFile, 'utf8')).pid, process.pid);
    lease.release();
    lease.release();
    assert.equal(ratelimit(h), '5');
    assert.equal(existsSync(h.lockFile), false);
    assert.deepEqual(lease.notes, ['set kernel.printk_ratelimit 5 → 0 for the recording (restored afterwards)', 'restored kernel.printk_ratelimit to 5']);
  } finally {
    rmSync(h.dir, { recursive: true });
  }
});

test('one recording at a time: a second waits for the first, or gives up saying who holds it', async () => {
  const h = host('5');
  try {
    const first = await acquireRecordingLease({ paths: h });
    // While it holds the rate limit off, a preflight still reports the change the next recording will make.
    assert.deepEqual(checkRecordingHost(h), { sysctl: { name: 'kernel.printk_ratelimit', from: '5', to: '0' } });
    let waitedFor: number | undefined;
    await assert.rejects(acquireRecordingLease({ paths: h, waitMs: 300, onWait: (pid) => (waitedFor = pid) }), /another moat harden \(pid \d+\) is recording/);
    assert.equal(waitedFor, process.pid);
    const second = acquireRecordingLease({ paths: h, waitMs: 5000 });
    setTimeout(() => first.release(), 400);
    const lease = await second;
    assert.equal(ratelimit(h), '0', 'the second recording has the rate limit off too');
    lease.release();
    assert.equal(ratelimit(h), '5');
  } finally {
    rmSync(h.dir, { recursive: true });
  }
});

test("a dead owner's lock is taken over and the value it saved is restored; someone else's later change is kept", async () => {
  const h = host('0');
  try {
    writeFileSync(h.lockFile, JSON.stringify({ pid: 999999999, start: '1', sysctl: { name: 'kernel.printk_ratelimit', from: '7', to: '0' } }));
    const lease = await acquireRecordingLease({ paths: h });
    assert.match(lease.notes[0] ?? '', /restored kernel.printk_ratelimit to 7, left at 0 by an interrupted moat harden \(pid 999999999\)/);
    assert.equal(ratelimit(h), '0', 'the new recording set it off again');
    writeFileSync(join(h.procSys, 'kernel/printk_ratelimit'), '9');
    lease.release();
    assert.equal(ratelimit(h), '9');
    assert.match(lease.notes.at(-1) ?? '', /changed by someone else during the recording; Moat left it as it is/);
  } finally {
    rmSync(h.dir, { recursive: true });
  }
});

test('a lock file is untrusted: only a number for printk_ratelimit is ever restored, and a foreign owner is refused', async () => {
  const h = host('0');
  try {
    writeFileSync(join(h.procSys, 'kernel/other'), '0');
    writeFileSync(h.lockFile, JSON.stringify({ pid: 999999999, start: '1', sysctl: { name: 'kernel.other', from: '1', to: '0' } }));
    const lease = await acquireRecordingLease({ paths: h });
    lease.release();
    assert.equal(readFileSync(join(h.procSys, 'kernel/other'), 'utf8'), '0', 'a sysctl named by the lock file is not written');
    writeFileSync(h.lockFile, '{}');
    chownSync(h.lockFile, 65534, 65534);
    await assert.rejects(acquireRecordingLease({ paths: h }), /is not a recording lock of this user \(owner uid 65534\): remove it if no moat harden is running/);
  } finally {
    rmSync(h.dir, { recursive: true });
  }
});
