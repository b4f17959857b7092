import { join } from 'node:path';

/**
 * Node arguments that run the shipped CLI as bin/moat does (the bundle, with the V8 flag its
 * shebang gives: see src/cli/bin.ts), for benches that spawn it under their own probes.
 */
export const MOAT_CLI: readonly string[] = ['--liftoff-only', join(import.meta.dirname, '../../dist/moat/bin.js')];
