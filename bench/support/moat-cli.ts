import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Node flags bin/moat starts the CLI with, read from the launcher itself so the two cannot drift. */
function launcherFlags(): string[] {
  const launcher = join(import.meta.dirname, '../../bin/moat');
  const line = /^node_flags='([^']*)'$/m.exec(readFileSync(launcher, 'utf8'));
  if (!line) throw new Error(`${launcher} has no node_flags='...' line: the benches spawn the CLI with the launcher's Node flags`);
  return (line[1] as string).split(' ').filter(Boolean);
}

/** Node arguments that run the shipped CLI as bin/moat does (its Node flags, the bundle), for benches that spawn it under their own probes. */
export const MOAT_CLI: readonly string[] = [...launcherFlags(), join(import.meta.dirname, '../../dist/moat/bin.js')];
