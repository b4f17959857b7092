import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MoatError } from '../util/errors.ts';
import { BENCHMARKS, isBenchmark, type Benchmark } from '../models/cis-benchmark.ts';

/** util.parseArgs in strict mode, with its TypeErrors turned into one-line usage errors. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option/, 'unknown option');
    throw new MoatError('usage', `${command}: ${msg} (see moat ${command} --help)`);
  }
}

/** `--checks 5.1,5.2 --checks 2` → ['5.1', '5.2', '2']. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/** `--benchmark cis-1.7.0`; undefined when not given (moat.yaml's, else the newest, applies). */
export function parseBenchmark(value: string | undefined): Benchmark | undefined {
  if (value === undefined || isBenchmark(value)) return value;
  throw new MoatError('usage', `unknown --benchmark "${value}": use one of ${BENCHMARKS.join(', ')}`);
}
