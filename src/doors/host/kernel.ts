import { access } from 'node:fs/promises';
import type { KernelFacts } from '../../models/host-spec.ts';
import { underRoot } from './files.ts';
import { readTextHere } from './local-lookup.ts';

export async function readKernel(root: string): Promise<KernelFacts> {
  const [apparmor, selinux, unified] = await Promise.all([
    readTextHere(underRoot(root, '/sys/module/apparmor/parameters/enabled')).catch(() => ''),
    exists(underRoot(root, '/sys/fs/selinux/enforce')),
    exists(underRoot(root, '/sys/fs/cgroup/cgroup.controllers')),
  ]);
  return { apparmorEnabled: apparmor.trim() === 'Y', selinuxEnabled: selinux, cgroupVersion: unified ? 2 : 1 };
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
