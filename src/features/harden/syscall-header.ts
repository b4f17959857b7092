import { readFileSync } from 'node:fs';
import { MoatError } from '../../util/errors.ts';

/** The UAPI headers (Debian's linux-libc-dev) that number the syscalls of each architecture Moat names. */
export const HEADERS = {
  x86_64: '/usr/include/x86_64-linux-gnu/asm/unistd_64.h',
  i386: '/usr/include/x86_64-linux-gnu/asm/unistd_32.h',
} as const;

export type SyscallArch = keyof typeof HEADERS;

/** `#define __NR_read 0` lines → number → name. Used by the generator and by the test that guards the vendored table. */
export function readSyscallHeader(arch: SyscallArch, path: string = HEADERS[arch]): { names: Map<number, string>; source: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new MoatError('config', `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): install the kernel headers with apt-get install linux-libc-dev`);
  }
  const names = new Map<number, string>();
  for (const m of text.matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)) names.set(Number(m[2]), m[1] as string);
  if (names.size === 0) throw new MoatError('config', `${path} defines no __NR_ syscall numbers: is it a UAPI unistd header?`);
  return { names, source: path.replace(/^.*\/include\//, '<') + '>' };
}
