/**
 * `moat sbom` of the Debian test image (debootstrap minbase + `apt-get install curl
 * openssl`, two layers, ~110 packages): wall time (process start included), CPU time and
 * peak RSS, streamed from the engine, read from a `docker save` archive, and pulled from a
 * local registry (gzip layers, as docker pushed them). For comparison, the
 * issue measured cdxgen 12.8.4 on a 289 MB image of the same recipe: 12.5 s, 288 MB peak,
 * 17 of 105 packages missing by default.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../test/support/engine.ts';
import { DEBIAN_IMAGES, ensureDebianImages } from '../test/support/images.ts';
import { startRegistry } from '../test/support/registry.ts';
import { dockerPush } from '../test/support/registry-images.ts';

const root = join(import.meta.dirname, '..');
const RUNS = 5;

interface Sample {
  ms: number;
  /** Moat's own CPU time (user + system): unlike wall time, not inflated by other work on a shared machine. */
  cpuMs: number;
  rssMb: number;
  packages: number;
}

export function runSbom(target: string): Sample {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', join(root, 'bench/rss-probe.mjs'), join(root, 'dist/moat/bin.js'), 'sbom', target, '--format', 'cyclonedx'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`moat sbom exited ${r.status}: ${r.stderr}`);
  const m = /MOAT_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr);
  const doc = JSON.parse(r.stdout) as { components: Array<{ type: string }> };
  const cpu = /MOAT_BENCH_CPU_US=(\d+)/.exec(r.stderr);
  return { ms, cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN, rssMb: m ? Number(m[1]) / 1024 : NaN, packages: doc.components.filter((c) => c.type === 'library').length };
}

/**
 * `moat scan IMAGE --no-vulns` (inventory + file facts + image rules) against `moat sbom`
 * (inventory only) on the same image: the cost of the file facts and rules, in wall time,
 * CPU and peak RSS.
 */
function runCli(args: string[]): Omit<Sample, 'packages'> {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', join(root, 'bench/rss-probe.mjs'), join(root, 'dist/cli/bin.js'), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, MOAT_DB: join(tmpdir(), 'moat-bench-no-db.sqlite') } });
  const ms = performance.now() - t0;
  // scan exits 1 when the image has findings at or above --fail-on; --fail-on none keeps 0.
  if (r.status !== 0) throw new Error(`moat ${args[0]} exited ${r.status}: ${r.stderr}`);
  const m = /MOAT_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr);
  const cpu = /MOAT_BENCH_CPU_US=(\d+)/.exec(r.stderr);
  return { ms, cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN, rssMb: m ? Number(m[1]) / 1024 : NaN };
}

export function benchScanRules(image: string): void {
  console.log(`\nfile facts and image rules: moat scan --no-vulns vs moat sbom on ${image} (median of ${RUNS}, engine stream)`);
  console.log('command                              wall s   Moat CPU s   peak RSS MB');
  for (const [label, args] of [
    ['moat sbom --format json', ['sbom', image, '--format', 'json']],
    ['moat scan --no-vulns --format json', ['scan', image, '--no-vulns', '--format', 'json', '--fail-on', 'none']],
  ] as const) {
    runCli([...args]); // warm the page cache
    const samples = Array.from({ length: RUNS }, () => runCli([...args]));
    console.log(`${label.padEnd(35)}  ${(median(samples.map((x) => x.ms)) / 1000).toFixed(2).padStart(6)}  ${(median(samples.map((x) => x.cpuMs)) / 1000).toFixed(2).padStart(11)}  ${Math.max(...samples.map((x) => x.rssMb)).toFixed(0).padStart(12)}`);
  }
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function benchSbom(): Promise<void> {
  await ensureDebianImages();
  const work = mkdtempSync(join(tmpdir(), 'moat-bench-sbom-'));
  const reg = await startRegistry();
  try {
    const remote = `${reg.host}/moat/debian-curl:1`;
    await dockerPush(DEBIAN_IMAGES.curl, remote);
    const archive = join(work, 'debian-curl.tar');
    await docker('save', '-o', archive, DEBIAN_IMAGES.curl);
    const mb = statSync(archive).size / 1024 / 1024;
    const t0 = performance.now();
    await docker('save', '-o', join(work, 'again.tar'), DEBIAN_IMAGES.curl);
    const saveMs = performance.now() - t0;
    console.log(`image ${DEBIAN_IMAGES.curl}: ${mb.toFixed(0)} MB as a docker save archive; docker save alone takes ${(saveMs / 1000).toFixed(2)} s`);
    console.log(`\nmoat sbom --format cyclonedx (median of ${RUNS} runs, wall time including process start)`);
    console.log(`load average before: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores, shared)`);
    console.log('source                  wall s   MB/s   Moat CPU s   peak RSS MB   packages');
    for (const [label, target] of [
      ['engine (streamed)', DEBIAN_IMAGES.curl],
      ['docker-archive', `docker-archive:${archive}`],
      ['registry (gzip, local)', `registry:${remote}`],
    ] as const) {
      runSbom(target); // warm the page cache
      const samples = Array.from({ length: RUNS }, () => runSbom(target));
      const s = median(samples.map((x) => x.ms)) / 1000;
      const cpu = median(samples.map((x) => x.cpuMs)) / 1000;
      console.log(`${label.padEnd(22)}  ${s.toFixed(2).padStart(6)}  ${(mb / s).toFixed(0).padStart(5)}  ${cpu.toFixed(2).padStart(11)}  ${Math.max(...samples.map((x) => x.rssMb)).toFixed(0).padStart(12)}  ${String(samples[0]?.packages).padStart(9)}`);
    }
    console.log('\ncdxgen 12.8.4 (the issue, 289 MB image): 12.5 s, 288 MB peak RSS, 17 of 105 packages missing');
    benchScanRules(DEBIAN_IMAGES.langs);
  } finally {
    await reg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
