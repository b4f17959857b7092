// Preloaded into the measured CLI process: reports its own peak RSS on exit, on fd 2,
// in a line the bench parses. Adds nothing to what it measures but this one listener.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\nMOAT_BENCH_MAXRSS_KB=${u.maxRSS}\nMOAT_BENCH_CPU_MS=${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
});
