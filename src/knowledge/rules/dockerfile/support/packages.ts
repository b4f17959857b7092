import type { Flag, Instruction, ShellCommand, ShellWord } from '../../../../models/dockerfile-spec.ts';
import { hasOption, operands, packagesAfter, subcommand, type Found } from './query.ts';

/** apt-get options that take a value (so the next word is not a package). */
export const APT_VALUED = ['-t', '--target-release', '-o', '--option', '-c', '--config-file'];

export function isAptInstall(cmd: ShellCommand): boolean {
  return cmd.name === 'apt-get' && subcommand(cmd) === 'install';
}

/** Packages named on `apt-get install` (not local `.deb` files, which have no version to pin). */
export function aptPackages(cmd: ShellCommand): ShellWord[] {
  return packagesAfter(cmd, 'install', APT_VALUED).filter((w) => !w.value.endsWith('.deb'));
}

/** `--mount=type=cache|tmpfs,target=...` targets of a RUN. */
export function cacheMountTargets(flags: readonly Flag[]): string[] {
  const out: string[] = [];
  for (const f of flags) {
    if (f.name !== 'mount' || !f.value) continue;
    const opts = new Map(f.value.split(',').map((kv) => { const [k = '', v = ''] = kv.split('='); return [k.trim().toLowerCase(), v.trim()] as [string, string]; }));
    const type = opts.get('type');
    const target = opts.get('target') ?? opts.get('dst') ?? opts.get('destination');
    if ((type === 'cache' || type === 'tmpfs') && target) out.push(target.replace(/\/+$/, ''));
  }
  return out;
}

const APT = new Set(['apt-get', 'apt', 'aptitude']);

/** `apt-get update` (or apt's, aptitude's) in this RUN. */
export function updatesApt(i: Instruction): boolean {
  return !!i.shell?.commands.some((c) => APT.has(c.name) && subcommand(c) === 'update');
}

/** `apt-get install` (or apt's, aptitude's) in this RUN: the lists are used here, so this is where they may go. */
export function installsApt(i: Instruction): boolean {
  return !!i.shell?.commands.some((c) => APT.has(c.name) && ['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall'].includes(subcommand(c) ?? ''));
}

/** The RUN leaves no package lists behind: `rm -rf /var/lib/apt/lists...`, `apt-get dist-clean` (APT 2.7+), or the lists on a cache or tmpfs mount. */
export function cleansAptLists(i: Instruction): boolean {
  const mounts = cacheMountTargets(i.flags);
  if (mounts.includes('/var/lib/apt/lists') || (mounts.includes('/var/lib/apt') && mounts.includes('/var/cache/apt'))) return true;
  return !!i.shell?.commands.some((c) => (c.name === 'rm' && operands(c).some((w) => w.value.startsWith('/var/lib/apt/lists'))) || (APT.has(c.name) && subcommand(c) === 'dist-clean'));
}

/** Some command of the same RUN matches. */
export function sameRun(found: Found, test: (c: ShellCommand) => boolean): boolean {
  return found.script.commands.some(test);
}

export { hasOption };
