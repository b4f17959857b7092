import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MoatError } from '../util/errors.ts';

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
