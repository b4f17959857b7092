import { setFlagsFromString } from 'node:v8';

/** V8's own default for --invocation-count-for-turbofan (Node 22 and 24), put back on release. */
const DEFAULT_TURBOFAN_COUNT = 3000;

/**
 * Raises the number of calls V8 waits for before it compiles a function with Turbofan, its
 * top tier, from 3,000 to `count`, for a one-shot run such as `moat lint` from the command
 * line. Maglev, the tier below, still compiles what is warm.
 *
 * Why: a lint of a few thousand files lasts one or two seconds, too short for Turbofan's
 * compilations (on V8's background threads, a third of the process's CPU with the
 * concurrent GC) to pay for themselves. Measured on 2,000 real-world-shaped Dockerfiles
 * (bench/lint.bench.ts): ~2,200 → ~1,850 ms of process CPU, peak RSS a little lower. With
 * Turbofan off altogether (`--no-turbofan`) the short run gains the same, but a long one
 * loses: a 200,000-line Dockerfile took ~10% more CPU. Deferred, the code that stays hot
 * that long still reaches Turbofan. The count is read each time V8 sets a function's
 * budget, so it applies from the next tier-up decision on; the library (`lint()` in a
 * long-lived process) is not touched unless its caller asks.
 */
export function deferTopTier(count = 100_000): { release(): void } {
  setFlagsFromString(`--invocation-count-for-turbofan=${count}`);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      setFlagsFromString(`--invocation-count-for-turbofan=${DEFAULT_TURBOFAN_COUNT}`);
    },
  };
}
