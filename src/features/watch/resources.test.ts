import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NearLimit, usageOf } from './resources.ts';

test('memory is counted without inactive page cache, as docker stats does; no limit, no judgement', () => {
  const stats = { memory_stats: { usage: 60 * 2 ** 20, limit: 64 * 2 ** 20, stats: { total_inactive_file: 4 * 2 ** 20 } }, pids_stats: { current: 9, limit: 10 } };
  assert.deepEqual(usageOf(stats, { memory: 64 * 2 ** 20, pids: 10 }), [
    { resource: 'memory', usage: 56 * 2 ** 20, limit: 64 * 2 ** 20, percent: 87.5 },
    { resource: 'pids', usage: 9, limit: 10, percent: 90 },
  ]);
  assert.deepEqual(usageOf(stats, {}), []);
  assert.deepEqual(usageOf({ memory_stats: null, pids_stats: null }, { memory: 1, pids: 1 }), []);
});

test('near-limit alerts once per crossing, re-arming only well below the line', () => {
  const n = new NearLimit(90);
  assert.deepEqual([95, 96, 85, 92, 79, 91].map((p) => n.observe(p)), [true, false, false, false, false, true]);
});
