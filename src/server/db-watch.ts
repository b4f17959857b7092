/**
 * Queues a re-match when the vulnerability database changes. `moat db update` and `import`
 * build a new file and rename it over the old one, so a new (inode, time, size) means new
 * data; the re-match is queued once its content name (`generation`) differs from the one the
 * store last matched against (whichever server sees it first). A change is forgotten only once
 * it has been acted on: a failed read of the new file or a failed send is tried again at the
 * next check, rather than leaving the store matched against the old data for good.
 */
import { statSync } from 'node:fs';
import type { VulnSource } from './match.ts';

export interface DatabaseWatchOptions {
  source: Pick<VulnSource, 'file' | 'generation'>;
  /** The generation the store last matched against (undefined when it never has). */
  matched(): Promise<string | undefined>;
  sendRematch(reason: string): Promise<unknown>;
  log(line: string): void;
}

/** One check; call it on a timer. Never throws. */
export function databaseWatch(opts: DatabaseWatchOptions): () => Promise<void> {
  let seen = fileStamp(opts.source.file);
  let failing: string | undefined;
  const fail = (stamp: string | undefined, what: string): void => {
    // Once per file: a database that stays unreadable is not reported at every tick.
    if (failing !== `${stamp}`) opts.log(`${what}; tried again at the next check`);
    failing = `${stamp}`;
  };
  return async () => {
    const now = fileStamp(opts.source.file);
    const matched = await opts.matched().catch(() => undefined);
    if (now === seen && !(now !== undefined && matched === undefined)) return;
    let generation: string | undefined;
    try {
      generation = await opts.source.generation();
    } catch (e) {
      fail(now, `could not read the vulnerability database ${opts.source.file}: ${(e as Error).message}`);
      return;
    }
    if (generation !== undefined && matched !== generation) {
      try {
        await opts.sendRematch(`the vulnerability database ${opts.source.file} changed`);
      } catch (e) {
        fail(now, `could not queue the re-match: ${(e as Error).message}`);
        return;
      }
    }
    seen = now;
    failing = undefined;
  };
}

function fileStamp(file: string): string | undefined {
  try {
    const s = statSync(file);
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
}
