import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Moat's own scratch directory for one operation: created 0700 under the system temp
 * directory, files inside named by a counter (never by anything an archive says), and
 * removed by `dispose()`, which callers run in `finally`. A process `exit` hook removes
 * any space still open, so `process.exit()` and uncaught errors leave nothing behind; the
 * CLI turns SIGINT/SIGTERM into an abort, which reaches `finally` the same way.
 */
export class TempSpace {
  readonly dir: string;
  private counter = 0;
  private disposed = false;

  constructor(prefix = 'moat-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    open.add(this);
    ensureExitHook();
  }

  /** A fresh path inside the space; the caller creates the file (with `wx`, 0600). */
  nextPath(suffix = ''): string {
    if (this.disposed) throw new Error('TempSpace used after dispose');
    return join(this.dir, `${++this.counter}${suffix}`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    open.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const open = new Set<TempSpace>();
let hooked = false;

function ensureExitHook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const space of [...open]) {
      try {
        space.dispose();
      } catch {
        /* exiting: nothing more can be done */
      }
    }
  });
}
