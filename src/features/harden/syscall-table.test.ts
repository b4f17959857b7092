import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEADERS, readSyscallHeader } from './syscall-header.ts';
import { I386_SYSCALLS, X86_64_SYSCALLS } from './syscall-table.ts';
import { nameSyscall } from './syscalls.ts';

test('the vendored syscall tables equal the kernel headers installed here (regenerate: node scripts/gen-syscall-table.ts)', () => {
  for (const [arch, table] of [['x86_64', X86_64_SYSCALLS], ['i386', I386_SYSCALLS]] as const) {
    const { names } = readSyscallHeader(arch, HEADERS[arch]);
    assert.deepEqual(Object.fromEntries([...names].map(([n, s]) => [String(n), s])), Object.fromEntries(Object.entries(table)), `${arch} table vs ${HEADERS[arch]}`);
  }
});

test('records name their syscalls by audit arch; x32, foreign arches and new numbers stay numbers', () => {
  assert.deepEqual(nameSyscall('c000003e', 83), { arch: 'x86_64', name: 'mkdir' });
  assert.deepEqual(nameSyscall('c000003e', 272), { arch: 'x86_64', name: 'unshare' });
  assert.deepEqual(nameSyscall('40000003', 39), { arch: 'i386', name: 'mkdir' });
  assert.deepEqual(nameSyscall('c000003e', 0x40000000 | 83), { arch: 'x32', number: 0x40000000 | 83 });
  assert.deepEqual(nameSyscall('c00000b7', 34), { arch: 'c00000b7', number: 34 });
  assert.deepEqual(nameSyscall('c000003e', 9999), { arch: 'x86_64', number: 9999 });
});
