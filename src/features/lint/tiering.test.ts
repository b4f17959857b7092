/**
 * Issue 12: the CLI's lint defers V8's top tier (Turbofan) for its one-shot run, and puts
 * the default back when asked. Each case runs in a process of its own, with V8's natives
 * syntax to read a function's tier, compiling on the main thread so that the tier is
 * settled when it is read; the flag touches no other test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MODULE = join(import.meta.dirname, 'tiering.ts');
/** V8's OptimizationStatus bits (src/runtime/runtime.h): compiled by Maglev, by Turbofan. */
const MAGLEVVED = 1 << 5;
const TURBOFANNED = 1 << 6;

/**
 * Calls a small function `calls` times and returns its tier bits. With `release`, the
 * deferral is lifted first and a function never called before is measured: V8 sets a
 * function's budget when it tiers up, so the default applies to budgets set from then on.
 */
function tierAfter(defer: boolean, calls: number, release = false): number {
  const script = `
    import { deferTopTier } from ${JSON.stringify(MODULE)};
    const deferred = ${defer ? 'deferTopTier()' : 'undefined'};
    function warm(a, b) { return (a * 3) ^ b; }
    function hot(a, b) { return (a * 5) ^ b; }
    let sum = 0;
    for (let i = 0; i < 1000; i++) sum += warm(i, 3);
    ${release ? 'deferred.release();' : ''}
    for (let i = 0; i < ${calls}; i++) sum += hot(i, 3);
    process.stdout.write(String(%GetOptimizationStatus(hot)) + ' ' + (sum !== 0));
  `;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.split(' ')[0]);
}

test('by default a function called 30,000 times reaches Turbofan (what the deferral holds back)', () => {
  const status = tierAfter(false, 30_000);
  assert.ok(status & TURBOFANNED, `status ${status.toString(2)}`);
});

test('deferred, a function called 60,000 times stays at Maglev', () => {
  const status = tierAfter(true, 60_000);
  assert.equal(status & TURBOFANNED, 0, `status ${status.toString(2)}`);
  assert.ok(status & MAGLEVVED, `status ${status.toString(2)}`);
});

test('released, a function called 30,000 times reaches Turbofan again', () => {
  const status = tierAfter(true, 30_000, true);
  assert.ok(status & TURBOFANNED, `status ${status.toString(2)}`);
});
