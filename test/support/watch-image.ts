/**
 * The image `moat watch`'s tests and benchmark run: FROM scratch around one static
 * binary (test/support/watch-tool.c) that can wait, exit, eat memory or fork on demand,
 * so OOM kills, restart loops and limits are real, and nothing is pulled.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { docker, TEST_LABEL } from './engine.ts';

const run = promisify(execFile);
export const WATCH_IMAGE = 'moat-test/watch-tool:1';

let built: Promise<void> | undefined;

export function ensureWatchImage(): Promise<void> {
  built ??= (async () => {
    const have = await docker('images', '-q', WATCH_IMAGE);
    if (have !== '') return;
    const bin = join(tmpdir(), 'moat-test-watch-tool-v1');
    if (!existsSync(bin)) {
      await run('gcc', ['-static', '-Os', '-o', `${bin}.tmp`, join(import.meta.dirname, 'watch-tool.c')]);
      await run('mv', [`${bin}.tmp`, bin]);
    }
    const dir = mkdtempSync(join(tmpdir(), 'moat-img-'));
    try {
      copyFileSync(bin, join(dir, 'tool'));
      writeFileSync(join(dir, 'Dockerfile'), ['FROM scratch', 'COPY tool /tool', `LABEL ${TEST_LABEL.replace('=', '="')}"`, 'CMD ["/tool"]', ''].join('\n'));
      await docker('build', '-q', '-t', WATCH_IMAGE, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return built;
}
