// Preloaded into the measured CLI process: reports its own peak RSS and CPU time on exit,
// on fd 2, in lines the bench parses. Adds nothing to what it measures but this one listener.
// CPU time matters on a shared machine, where wall time mostly measures the neighbours.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\nMOAT_BENCH_MAXRSS_KB=${u.maxRSS}\nMOAT_BENCH_CPU_US=${u.userCPUTime + u.systemCPUTime}\n`);
});
