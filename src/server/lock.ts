/**
 * The embedded store is one process's: PGlite has no server to share it. A pid file in
 * the data directory stops a second `moat serve` (or `moat serve token ...`) from opening
 * it while one runs, with a message saying what to do instead.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { MoatError } from '../util/errors.ts';
import { isRunning } from '../util/process-alive.ts';

export interface DataLock {
  release(): void;
}

export function lockDataDir(dir: string): DataLock {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'moat-serve.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
        throw new MoatError(
          'config',
          `serve: ${dir} is in use by moat serve (pid ${pid}): the embedded store takes one process. Stop it first, or manage tokens through the API (POST /api/v1/tokens with an admin token)`,
        );
      }
      // Left by a process that died: nothing holds the store.
      rmSync(file, { force: true });
    }
  }
  throw new MoatError('config', `serve: could not lock ${dir}`);
}
