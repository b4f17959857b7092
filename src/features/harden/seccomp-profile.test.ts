import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProfile, CLONE_NAMESPACE_FLAGS, recordingProfile } from './seccomp-profile.ts';

test('the recording profile logs everything, for all three x86 ABIs, and allows silently what was already seen', () => {
  assert.deepEqual(recordingProfile([]), { defaultAction: 'SCMP_ACT_LOG', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], syscalls: [] });
  assert.deepEqual(recordingProfile(['write', 'getppid']).syscalls, [{ names: ['getppid', 'write'], action: 'SCMP_ACT_ALLOW' }]);
});

test('the generated profile denies by default with EPERM and allows exactly the names given, sorted', () => {
  const p = buildProfile({ names: new Set(['write', 'read', 'exit_group']), archs: new Set(['x86_64']), caps: [], underDefaultProfile: false });
  assert.deepEqual(p, { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['exit_group', 'read', 'write'], action: 'SCMP_ACT_ALLOW' }] });
  assert.deepEqual(buildProfile({ names: new Set(['read']), archs: new Set(['x86_64', 'i386']), caps: [], underDefaultProfile: false }).architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
});

test('clone cannot make namespaces and clone3 answers ENOSYS, unless SYS_ADMIN is kept', () => {
  const p = buildProfile({ names: new Set(['clone3', 'read']), archs: new Set(['x86_64']), caps: [], underDefaultProfile: false });
  assert.deepEqual(p.syscalls[0]?.names, ['read']);
  assert.deepEqual(p.syscalls[1], { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }], comment: 'no new namespaces' });
  assert.equal(CLONE_NAMESPACE_FLAGS, 2114060288);
  assert.deepEqual(p.syscalls[2], { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, comment: 'its flags cannot be checked: ENOSYS makes libc use clone' });
  const admin = buildProfile({ names: new Set(['clone3', 'clone']), archs: new Set(['x86_64']), caps: ['SYS_ADMIN'], underDefaultProfile: false });
  assert.deepEqual(admin.syscalls, [{ names: ['clone', 'clone3'], action: 'SCMP_ACT_ALLOW' }]);
});

test("under a default-profile original, socket and personality keep Docker's argument limits", () => {
  const p = buildProfile({ names: new Set(['socket', 'personality']), archs: new Set(['x86_64']), caps: [], underDefaultProfile: true });
  // Nothing is left to allow by name alone, so no empty rule is written.
  assert.deepEqual(p.syscalls[0], { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }], comment: 'no AF_VSOCK, as in the original profile' });
  assert.deepEqual(p.syscalls.slice(1).map((r) => r.args?.[0]?.value), [0, 8, 0x20000, 0x20008, 0xffffffff]);
});
