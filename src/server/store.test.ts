/**
 * The embedded store's memory bound (issue 14: peak RSS ≤ 800 MB). V8's optimizing compile of
 * PostgreSQL's SQL parser took 614 MB for about a second; the store keeps the parser on baseline
 * code. Measured in a process of its own (its high-water mark is the figure), on a new data
 * directory (created in a child process) and again on the existing one, each after enough
 * statements for V8 to optimize what is hot.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

const STORE = path.join(import.meta.dirname, 'store.ts');

/** Opens the store, runs `statements` distinct statements, waits for V8's background compiles, prints its VmHWM and the queries' answer. */
function peakAfterStatements(data: string, statements: number): { hwmMb: number; rows: number } {
  const script = `
    import { readFileSync } from 'node:fs';
    const { openStore } = await import(${JSON.stringify(STORE)});
    const store = await openStore({ data: process.argv[1] });
    let rows = 0;
    for (let i = 0; i < ${statements}; i++) {
      rows += (await store.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = $1 OR (relname LIKE 'pg_%' AND relkind = 'r' AND relpages >= " + i + ")", ['x'])).length;
    }
    await new Promise((r) => setTimeout(r, 3000));
    await store.close();
    const hwm = Number(/^VmHWM:\\s+(\\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
    console.log(JSON.stringify({ hwmMb: Math.round(hwm / 1024), rows }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, data], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `the store's child process failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as { hwmMb: number; rows: number };
}

describe('the embedded store', () => {
  test('keeps the SQL parser off the optimizing compiler: peak RSS stays far from the 614 MB that compile takes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'moat-store-'));
    try {
      const data = path.join(dir, 'data');
      // Unbounded, this process peaked at 708-737 MB (Node 24, PGlite 0.6.1); bounded, about 200-270 MB.
      const fresh = peakAfterStatements(data, 400);
      assert.equal(fresh.rows, 400);
      assert.ok(fresh.hwmMb < 450, `a new store peaked at ${fresh.hwmMb} MB: the parser was optimized (see openPglite in store.ts)`);
      const again = peakAfterStatements(data, 400);
      assert.ok(again.hwmMb < 450, `an existing store peaked at ${again.hwmMb} MB: the parser was optimized (see openPglite in store.ts)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
