// Preloaded into the measured CLI process: reports its own peak RSS and CPU time on exit,
// on fd 2, in lines the bench parses. Adds nothing to what it measures but this one listener.
// CPU time matters on a shared machine, where wall time mostly measures the neighbours.
// Plain JavaScript: a .ts preload makes Node load its type stripper, ~100 ms the measured command would not pay.
import { readFileSync, writeSync } from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\nMOAT_BENCH_MAXRSS_KB=${peakRssKb(u.maxRSS)}\nMOAT_BENCH_CPU_US=${u.userCPUTime + u.systemCPUTime}\n`);
});

// getrusage's maxrss survives exec on Linux: a child forked from a large bench process (one that
// has just built 500 MB of test data) would report the parent's peak. VmHWM belongs to this
// process's own address space.
function peakRssKb(fallback) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return fallback;
}
