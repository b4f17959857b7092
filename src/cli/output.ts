import { renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MoatError } from '../util/errors.ts';

/**
 * Writes the whole document or nothing: a reader (a CI upload step, a dashboard) never
 * sees a half-written report, and an earlier report survives a failed run.
 */
export function writeOutput(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing was written */
    }
    throw new MoatError('usage', `cannot write --output ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
