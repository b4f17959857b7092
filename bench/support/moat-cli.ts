import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const BUNDLE = join(import.meta.dirname, '../../dist/moat/bin.js');

/** One `name='...'` line of bin/moat, read from the launcher itself so the two cannot drift. */
function launcherLine(name: string): string[] {
  const launcher = join(import.meta.dirname, '../../bin/moat');
  const line = new RegExp(`^${name}='([^']*)'$`, 'm').exec(readFileSync(launcher, 'utf8'));
  if (!line) throw new Error(`${launcher} has no ${name}='...' line: the benches spawn the CLI with the launcher's Node flags`);
  return (line[1] as string).split(' ').filter(Boolean);
}

const IMAGE_COMMANDS = launcherLine('image_commands');
const IMAGE_NODE_FLAGS = launcherLine('image_node_flags');

/** Node arguments that run the shipped CLI for `command` as bin/moat does (its Node flags, the bundle), for benches that spawn it under their own probes. */
export function moatCli(command: string): string[] {
  return [...(IMAGE_COMMANDS.includes(command) ? IMAGE_NODE_FLAGS : []), BUNDLE];
}
