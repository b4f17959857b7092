// Preloaded into the measured CLI process: reports its own peak RSS and CPU time on exit,
// on fd 2, in lines the bench parses. Adds nothing to what it measures but this one listener.
// CPU time matters on a shared machine, where wall time mostly measures the neighbours.
// Plain JavaScript: a .ts preload makes Node load its type stripper, ~100 ms the measured command would not pay.
import { writeSync } from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\nMOAT_BENCH_MAXRSS_KB=${u.maxRSS}\nMOAT_BENCH_CPU_US=${u.userCPUTime + u.systemCPUTime}\n`);
});
