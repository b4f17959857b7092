/**
 * Issue 12: `moat lint --format json` writes its report in pieces, as the reader takes them,
 * and the document is the one the other paths render. A slow reader (a pipe into a busy
 * program) must not make Moat queue the whole report in memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { generateCorpus } from '../../../bench/dockerfile-corpus.ts';
import { lint } from '../../features/lint/lint.ts';
import { renderJson } from '../../report/json.ts';
import { lintCommand } from './lint.ts';

/** Run-specific values set aside: the two runs differ in when they ran, nothing else. */
const steady = (json: string): string => json.replace(/"(startedAt|finishedAt)": "[^"]*"/g, '"$1": "-"').replace(/"durationMs": \d+/, '"durationMs": 0');

test('a slow reader gets the whole JSON report, byte for byte, with at most a piece queued at a time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-lint-output-'));
  try {
    generateCorpus(300).forEach((f, i) => {
      mkdirSync(join(dir, String(i)));
      writeFileSync(join(dir, String(i), 'Dockerfile'), f.text);
    });
    const received: Buffer[] = [];
    let mostQueued = 0;
    const stdout = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        received.push(chunk);
        mostQueued = Math.max(mostQueued, stdout.writableLength);
        // A reader that takes a piece per turn of the event loop, later than Moat writes.
        setTimeout(done, 1);
      },
    });
    const stderr = new Writable({ write: (_c, _e, done) => done() });
    const code = await lintCommand(['--format', 'json', '--fail-on', 'none', '.'], { stdout, stderr, env: {}, cwd: dir });
    assert.equal(code, 0);
    const text = Buffer.concat(received).toString('utf8');
    assert.ok(text.length > 500_000, `a report of ${text.length} characters: large enough to need many pieces`);
    assert.ok(received.length > 5, `${received.length} pieces`);
    // Queued: the piece being written and what the 64 KiB piece before it left; never the report.
    assert.ok(mostQueued <= 192 * 1024, `${mostQueued} bytes queued at once`);
    const whole = renderJson(await lint({ paths: ['.'], cwd: dir, env: {} }));
    assert.equal(steady(text), steady(whole));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
