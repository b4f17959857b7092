import type { ShellCommand, ShellWord } from '../../../../models/dockerfile-spec.ts';

/** pip options that take a value as the next word. */
const PIP_VALUED = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-t', '--target', '--prefix', '--root', '--build', '--src', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
  '--trusted-host', '--platform', '--python-version', '--implementation', '--abi', '--upgrade-strategy', '--progress-bar', '--log', '--proxy', '--retries', '--timeout', '--exists-action', '--cert',
  '--client-cert', '--cache-dir', '--no-binary', '--only-binary', '--root-user-action', '--python', '--global-option', '--install-option', '--config-settings', '-C',
]);

/**
 * `pip install ...` in its spellings (`pip`, `pip3`, `pip3.12`, `python -m pip`, `pipx`):
 * the tool and the words after its name, or undefined for anything else.
 */
export function pipInvocation(c: ShellCommand): { tool: 'pip' | 'pipx'; args: ShellWord[] } | undefined {
  // Every spelling starts with a `p`: most commands are told apart without a pattern.
  if (c.name.charCodeAt(0) !== 112) return undefined;
  if (/^pip[0-9.]*$/.test(c.name)) return { tool: 'pip', args: c.argv.slice(1) };
  if (c.name === 'pipx') return { tool: 'pipx', args: c.argv.slice(1) };
  if (/^python[0-9.]*$/.test(c.name) && c.argv[1]?.value === '-m' && /^pip[0-9.]*$/.test(c.argv[2]?.value ?? '')) return { tool: 'pip', args: c.argv.slice(3) };
  return undefined;
}

/** The requirements named on `pip install` (option values skipped), and whether a requirements or constraints file pins them. */
export function pipInstall(c: ShellCommand): { tool: 'pip' | 'pipx'; packages: ShellWord[]; fromFile: boolean; words: string[] } | undefined {
  const inv = pipInvocation(c);
  if (!inv || inv.args[0]?.value !== 'install') return undefined;
  const packages: ShellWord[] = [];
  let fromFile = false;
  const rest = inv.args.slice(1);
  for (let k = 0; k < rest.length; k++) {
    const w = (rest[k] as ShellWord).value;
    if (w.startsWith('-')) {
      if (['-r', '--requirement', '-c', '--constraint'].includes(w) || /^--(requirement|constraint)=/.test(w)) fromFile = true;
      if (PIP_VALUED.has(w)) k++;
      continue;
    }
    packages.push(rest[k] as ShellWord);
  }
  return { tool: inv.tool, packages, fromFile, words: inv.args.map((w) => w.value) };
}

/** `pkg==1.2`, `'pkg>=1'`, a wheel, an archive, a local path, a VCS URL at a ref. */
export function pipPinned(spec: string): boolean {
  if (/^git\+/.test(spec)) return /\.git@|@[^/#]+(#|$)/.test(spec.replace(/^git\+\w+:\/\/[^@/]*@/, 'git+x://'));
  if (/(==|===|~=|>=|<=|!=|<|>)/.test(spec)) return true;
  if (/\.(whl|tar\.gz|tgz|zip|tar\.bz2)$/.test(spec)) return true;
  return spec.includes('/') || spec.startsWith('.');
}
