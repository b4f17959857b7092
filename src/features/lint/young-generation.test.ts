/**
 * Issue 12: `moat lint` holds V8's young generation at a bound however long it runs. Each case
 * runs in a process of its own, so the space starts at V8's start-up size and the flag the
 * bound sets touches no other test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MODULE = join(import.meta.dirname, 'young-generation.ts');

/**
 * Allocates like a lint does (a few thousand objects per "file", some of them outliving a
 * scavenge, the rest dropped) and prints the young generation's size in MB at the end.
 */
function youngAfterWork(bound: number | undefined, release = false): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { boundYoungGeneration } from ${JSON.stringify(MODULE)};
    const young = ${bound === undefined ? 'undefined' : `boundYoungGeneration(${bound})`};
    let kept = [];
    const work = (check) => {
      for (let file = 0; file < 4000; file++) {
        check?.();
        const tree = Array.from({ length: 2000 }, (_, i) => ({ line: i, text: 'RUN echo ' + i + ' ' + file }));
        for (let i = 0; i < 2000; i += 10) kept.push(tree[i]);
        if (kept.length > 200000) kept = [];
      }
    };
    work(young?.check);
    ${release ? 'young?.release(); work();' : ''}
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(space.space_size / 1048576));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout);
}

test('unbounded, the young generation grows past 16 MB under a lint-like load (the cost the bound removes)', () => {
  const mb = youngAfterWork(undefined);
  assert.ok(mb > 16, `young generation ${mb} MB`);
});

test('bounded at 16 MB, it stops growing at the first look past the bound', () => {
  const mb = youngAfterWork(16);
  // It can double once between two looks (every 16th file), never more.
  assert.ok(mb >= 16 && mb <= 32, `young generation ${mb} MB`);
});

test('released, it grows again as V8 would', () => {
  const bounded = youngAfterWork(4, false);
  const released = youngAfterWork(4, true);
  assert.ok(bounded <= 8, `bounded: ${bounded} MB`);
  assert.ok(released > bounded, `released: ${released} MB, bounded: ${bounded} MB`);
});

/**
 * CPU time (ms) of V8's helper threads while a scavenge-heavy load runs: many short-lived
 * objects and a rotating set that survives a scavenge or two, as a lint's files do. Linux's
 * per-thread accounting (/proc/self/task), read before and after the work.
 */
function helperCpuMs(serial: boolean): number {
  const script = `
    import { readdirSync, readFileSync } from 'node:fs';
    import { serialScavenges } from ${JSON.stringify(MODULE)};
    const helpers = () => {
      let ticks = 0;
      for (const t of readdirSync('/proc/self/task')) {
        if (Number(t) === process.pid) continue;
        const stat = readFileSync('/proc/self/task/' + t + '/stat', 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(f[11]) + Number(f[12]);
      }
      return ticks * 10;
    };
    const held = ${serial ? 'serialScavenges()' : 'undefined'};
    const before = helpers();
    let live = [];
    for (let file = 0; file < 3000; file++) {
      const tree = Array.from({ length: 3000 }, (_, i) => ({ line: i, text: 'RUN echo ' + i, next: null }));
      live.push(tree);
      if (live.length > 40) live.shift();
    }
    process.stdout.write(String(helpers() - before));
    held?.release();
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout);
}

test('held, scavenges leave V8 helper threads idle; by default they share the work (the CPU the hold saves)', () => {
  const parallel = helperCpuMs(false);
  const serial = helperCpuMs(true);
  assert.ok(parallel >= 50, `helpers took ${parallel} ms by default`);
  assert.ok(serial < parallel / 4, `helpers took ${serial} ms held, ${parallel} ms by default`);
});
