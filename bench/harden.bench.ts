/**
 * `moat harden` as shipped (dist/), on the test probe: wall time of a whole run (recording
 * plus verification, process start included), and how the recording copes with a workload
 * that makes syscalls faster than the kernel log can be read: the first pass's records read
 * and lost (the share Moat kept up with) and the passes needed until one lost nothing.
 */
import { spawnSync } from 'node:child_process';
import { docker, TEST_LABEL } from '../test/support/engine.ts';
import { ensureProbeImage, PROBE_IMAGE } from '../test/support/harden-probe.ts';
import { moatCli } from './support/moat-cli.ts';


interface Passes {
  recording: { passes: Array<{ records: number; lost: number; newSyscalls: number }> };
  verification: unknown[];
}

function hardenRun(name: string): { ms: number; result: Passes } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...moatCli('harden'), 'harden', name, '--yes', '--duration', '20s', '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`moat harden exited ${r.status}: ${r.stderr}`);
  return { ms, result: JSON.parse(r.stdout) as Passes };
}

export async function benchHarden(): Promise<void> {
  await ensureProbeImage();
  const names: string[] = [];
  try {
    for (const [role, cmd] of [['work', 'work'], ['flood', 'flood']] as const) {
      const name = `moat-bench-harden-${role}-${process.pid}`;
      names.push(name);
      await docker('create', '--name', name, '--label', TEST_LABEL, '--network', 'none', PROBE_IMAGE, cmd);
    }
    console.log('\nmoat harden, wall time including process start (3 runs each)');
    console.log('workload                          runs  median s  passes  pass-1 read  pass-1 lost  read share');
    for (const [name, what] of [[names[0], 'probe work (~60 syscalls, 1.5 s)'], [names[1], 'probe flood (200,000 getppid)']] as const) {
      const runs = [hardenRun(name as string), hardenRun(name as string), hardenRun(name as string)];
      const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[1] as number;
      const first = runs[1]?.result.recording.passes[0];
      const passes = runs.map((r) => r.result.recording.passes.length).join('/');
      const share = first ? (100 * first.records) / Math.max(1, first.records + first.lost) : 0;
      console.log(`${what.padEnd(34)}${String(runs.length).padStart(4)}  ${(ms / 1000).toFixed(1).padStart(8)}  ${passes.padStart(6)}  ${String(first?.records ?? 0).padStart(11)}  ${String(first?.lost ?? 0).padStart(11)}  ${share.toFixed(0).padStart(9)}%`);
    }
  } finally {
    await docker('rm', '-f', ...names).catch(() => undefined);
  }
}
