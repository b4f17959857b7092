import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartLoopDetector } from './restart-loop.ts';

test('crash-restarts within the window make one loop alert; a quiet window starts a new loop', () => {
  const d = new RestartLoopDetector(3, 10_000);
  const cycle = (t: number, code = 1): number | undefined => {
    d.die(code);
    return d.start(t);
  };
  assert.deepEqual([cycle(0), cycle(100), cycle(300), cycle(700)], [undefined, undefined, 3, undefined]);
  assert.equal(d.lastExitCode, 1);
  assert.deepEqual([cycle(60_000), cycle(60_100), cycle(60_200)], [undefined, undefined, 3]);
});

test('stops and clean exits are not crashes', () => {
  const d = new RestartLoopDetector(2, 10_000);
  for (let t = 0; t < 5; t++) {
    d.kill();
    d.die(137);
    assert.equal(d.start(t * 100), undefined);
    d.die(0);
    assert.equal(d.start(t * 100 + 50), undefined);
  }
});
