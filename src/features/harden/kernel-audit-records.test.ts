import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuditLine, SECCOMP_RET_LOG } from './kernel-audit-records.ts';

// Lines as this machine's kernel (6.18) printed them for a copy recorded under SCMP_ACT_LOG.
const RUNC = 'audit: type=1326 audit(1796157252.691:182): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=24772 comm="runc:[2:INIT]" exe="/" sig=0 arch=c000003e syscall=72 compat=0 ip=0x40828e code=0x7ffc0000';

test('a seccomp record gives serial, time, pid, comm, arch, syscall and action', () => {
  const l = parseAuditLine(RUNC);
  assert.equal(l?.kind, 'seccomp');
  if (l?.kind !== 'seccomp') return;
  assert.deepEqual(l.record, { serial: 182, timeMs: 1796157252691, pid: 24772, uid: 0, comm: 'runc:[2:INIT]', arch: 'c000003e', syscall: 72, code: SECCOMP_RET_LOG });
});

test('a comm with a space is hex-encoded by the kernel and decoded', () => {
  const l = parseAuditLine('audit: type=1326 audit(1.000:5): auid=0 uid=1000 gid=1000 ses=1 pid=7 comm=6D7920617070 exe="/app" sig=0 arch=40000003 syscall=4 compat=1 ip=0x1 code=0x7ffc0000');
  assert.equal(l?.kind === 'seccomp' && l.record.comm, 'my app');
  assert.equal(l?.kind === 'seccomp' && l.record.arch, '40000003');
});

test('other audit records keep their serial for gap detection', () => {
  assert.deepEqual(parseAuditLine('audit: type=1400 audit(1700000000.123:77): apparmor="DENIED" operation="open"'), { kind: 'audit', serial: 77, timeMs: 1700000000123 });
});

test('the kernel saying it dropped records is a loss with its count', () => {
  assert.deepEqual(parseAuditLine('kauditd_printk_skb: 161 callbacks suppressed'), { kind: 'loss', count: 161, text: 'kauditd_printk_skb: 161 callbacks suppressed' });
  assert.equal(parseAuditLine('audit: audit_lost=12 audit_rate_limit=0 audit_backlog_limit=64')?.kind, 'loss');
  assert.equal(parseAuditLine('audit: audit_backlog=65 > audit_backlog_limit=64')?.kind, 'loss');
});

test('unrelated kernel lines and malformed records are not seccomp records', () => {
  assert.equal(parseAuditLine('Memory cgroup out of memory: Killed process 21074 (tool)'), undefined);
  assert.equal(parseAuditLine('eth0: link up'), undefined);
  // A truncated record: no syscall number, so it counts only as an audit event.
  assert.equal(parseAuditLine('audit: type=1326 audit(1.000:9): pid=3 comm="x"')?.kind, 'audit');
});
