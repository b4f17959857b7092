import { join } from 'node:path';

/** Node arguments that run the shipped CLI as bin/moat does (the bundle), for benches that spawn it under their own probes. */
export const MOAT_CLI: readonly string[] = [join(import.meta.dirname, '../../dist/moat/bin.js')];
