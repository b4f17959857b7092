import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelLog, parseKmsgRecord } from './kernel-log.ts';
import { MoatError } from '../../util/errors.ts';

test('a /dev/kmsg record gives sequence, time and message without its key=value continuation', () => {
  assert.deepEqual(parseKmsgRecord('5,1234,2125742206,-;audit: type=1326 audit(1.000:1): pid=1\n SUBSYSTEM=x\n'), { seq: 1234, usec: 2125742206, message: 'audit: type=1326 audit(1.000:1): pid=1' });
  assert.deepEqual(parseKmsgRecord('6,7,8,c,more;a \\x09tab\n'), { seq: 7, usec: 8, message: 'a \ttab' });
  assert.equal(parseKmsgRecord('garbage without a prefix'), undefined);
  assert.equal(parseKmsgRecord('x,y,z;message'), undefined);
});

test('the real kernel log opens, skips to its end and reads what is logged next', () => {
  const log = KernelLog.open();
  try {
    log.skipToEnd();
    // Writing to /dev/kmsg (root) adds a record, the least intrusive way to see the reader pick one up.
    writeFileSync('/dev/kmsg', `moat-test: kernel-log reader ${process.pid}\n`);
    const got = log.readBatch();
    assert.ok(got.some((r) => r.message.includes(`moat-test: kernel-log reader ${process.pid}`)), JSON.stringify(got));
    assert.deepEqual(log.readBatch(), [], 'nothing waits after the batch was read');
    assert.equal(log.lost, 0);
  } finally {
    log.close();
  }
});

// A log Moat may not read (uid 65534 under dmesg_restrict) is exercised for real in test/harden-cli.test.ts.
test('a missing kernel log is a one-line refusal saying what is needed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-kmsg-'));
  try {
    assert.throws(() => KernelLog.open(join(dir, 'absent')), (e: unknown) => e instanceof MoatError && e.kind === 'incomplete' && /no kernel log at .*needs \/dev\/kmsg/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
