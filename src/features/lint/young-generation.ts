import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** V8's own default for --semi-space-growth-factor, put back when the bound is lifted. */
const DEFAULT_GROWTH_FACTOR = 2;

/**
 * Holds V8's young generation at about `maxMb` while a long lint runs, the way
 * `node --max-semi-space-size` would, for a process that was not started with it.
 *
 * Why: linting allocates a parse tree per file and drops it a moment later. V8 doubles the
 * young generation each time enough of that survives a scavenge, up to 128 MB on a 64-bit
 * machine, and never gives the pages back during the run: measured on 2,000 real-world-shaped
 * Dockerfiles (`node bench/run.ts lint`), `moat lint` peaked at ~300 MB RSS unbounded and
 * ~135 MB bounded at 16 MB, its CPU time the same within the machine's noise (a smaller
 * bound, 8 MB, saved 10 MB more for ~10% more CPU).
 * The growth factor is read each time V8 grows the space, so once the space has reached the
 * bound, a factor of 1 stops it there (the size flags themselves are read only at start-up).
 *
 * `check` is cheap to call once per file; `release` restores the default growth.
 */
export function boundYoungGeneration(maxMb: number): { check(): void; release(): void } {
  let calls = 0;
  let bounded = false;
  return {
    check() {
      // Reading the heap's spaces costs a few microseconds: every 16th file is often enough,
      // since the space at most doubles between two looks.
      if (bounded || calls++ % 16 !== 0) return;
      const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      if (!young || young.space_size < maxMb * 1048576) return;
      setFlagsFromString('--semi-space-growth-factor=1');
      bounded = true;
    },
    release() {
      if (bounded) setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
      bounded = false;
    },
  };
}

/**
 * Has V8 scavenge on the main thread alone while a one-shot lint runs, as `node
 * --no-parallel-scavenge` would. Why: a lint's scavenges are many (one per ~7 MB allocated,
 * ~80 for 2,000 files) and small (the file being judged and the findings so far survive); split
 * over helper threads, their set-up and hand-over cost more CPU than the work they share, and
 * more still on a machine whose cores are busy. Measured on 2,000 real-world-shaped
 * Dockerfiles, interleaved runs: ~7% less process CPU (user + system, every thread), the
 * same peak RSS. The flag is read at each scavenge; `release` puts V8's default back.
 */
export function serialScavenges(): { release(): void } {
  setFlagsFromString('--no-parallel-scavenge');
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      setFlagsFromString('--parallel-scavenge');
    },
  };
}
