/**
 * What the clients do to `--security-opt` before the daemon sees it: `systempaths=unconfined`
 * becomes `MaskedPaths: []` and `ReadonlyPaths: []`, and `seccomp=FILE` becomes the file's
 * content (the docker CLI reads FILE from its working directory, compose from the project
 * directory). The run and compose doors apply the same here, so the rules judge what the
 * daemon would get.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { posix } from 'node:path';
import type { ContainerSpec } from '../../models/container-spec.ts';
import type { Location } from '../../models/location.ts';
import type { DoorWarning } from './spec.ts';

/** A seccomp profile is a few KiB (Docker's default is 20 KiB): past this it is not read. */
const MAX_PROFILE_BYTES = 1 << 20;

export function applyClientSecurityOpts(spec: ContainerSpec, opts: readonly string[], dir: string | undefined, at: Location | undefined, warnings: DoorWarning[]): void {
  if (opts.some((o) => o.trim() === 'systempaths=unconfined')) {
    spec.systemPaths = { masked: [], readonly: [] };
    if (at) spec.where.systemPaths = at;
  }
  const seccomp = spec.security.seccomp;
  if (seccomp === undefined || seccomp.trim() === '' || seccomp.trim().toLowerCase() === 'unconfined' || seccomp.trim().startsWith('{')) return;
  if (dir === undefined && !seccomp.startsWith('/')) {
    warnings.push({ message: `the seccomp profile ${seccomp} is relative to the directory docker runs in, unknown here: its content is not judged`, ...(at ? { at } : {}) });
    return;
  }
  const file = posix.resolve(dir ?? '/', seccomp);
  const content = readProfile(file);
  if (typeof content === 'string') spec.security.seccomp = content;
  else warnings.push({ message: `the seccomp profile ${file} cannot be read (${content.why}): the client would refuse to send it, and its content is not judged`, ...(at ? { at } : {}) });
}

function readProfile(file: string): string | { why: string } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    return { why: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
  try {
    const st = fstatSync(fd);
    // A FIFO or a device would block or never end: only regular files are profiles.
    if (!st.isFile()) return { why: 'not a regular file' };
    if (st.size > MAX_PROFILE_BYTES) return { why: `larger than ${MAX_PROFILE_BYTES} bytes` };
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
