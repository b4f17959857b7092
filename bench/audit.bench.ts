/**
 * `moat audit` wall time (process start included), per-container cost and peak memory
 * with 0, 20 and 100 running containers. Targets (issue 2): 20 containers ≤ 0.3 s,
 * ≤ 5 ms per added container, ≤ 150 MB peak. Issue 19 adds the floor, measured beside each
 * audit: one `docker inspect` of every container (the Go CLI, process start included), with
 * a target of ≤ 2× that floor.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startSecondDaemon } from '../test/support/second-daemon.ts';
import { makeTlsSet } from '../test/support/tls-certs.ts';
import { join } from 'node:path';
import { ensureTestImages, docker, IMAGES, TEST_LABEL } from '../test/support/engine.ts';
import { moatCli } from './support/moat-cli.ts';

const root = join(import.meta.dirname, '..');
const node = process.execPath;
const RUNS = 7;

interface Sample {
  ms: number;
  rssMb: number;
  /** User + system CPU of the moat process: steadier than wall time when other work shares the cores. */
  cpuMs: number;
}

/** The floor: one `docker inspect` of all the audited containers (their ids listed beforehand, untimed). */
function runInspect(ids: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('docker', ids.length ? ['inspect', ...ids] : ['info', '--format', '{{.ID}}'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`docker inspect exited ${r.status}: ${r.stderr}`);
  return ms;
}

function runAudit(): Sample {
  const t0 = performance.now();
  // A JSON report for 100 containers passes spawnSync's default 1 MiB output cap, which kills the child.
  const r = spawnSync(node, ['--import', join(root, 'bench/rss-probe.mjs'), ...moatCli('audit'), 'audit', '--format', 'json', '--fail-on', 'none'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`moat audit exited ${r.status}: ${r.stderr}`);
  const m = /MOAT_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr);
  const report = JSON.parse(r.stdout) as { target: { containers: number } };
  void report;
  const cpu = /MOAT_BENCH_CPU_US=(\d+)/.exec(r.stderr);
  return { ms, rssMb: m ? Number(m[1]) / 1024 : NaN, cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN };
}

/** Median wall time of an empty Node process: the part of every CLI figure no code of Moat's can remove. */
function nodeStartMs(): number {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(node, ['-e', '0']);
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function setRunning(n: number): Promise<void> {
  const ids = (await docker('ps', '-aq', '--filter', 'label=dev.moat.bench=1')).split('\n').filter(Boolean);
  if (ids.length > n) await docker('rm', '-f', ...ids.slice(n));
  for (let i = ids.length; i < n; i++) {
    await docker('run', '-d', '--label', 'dev.moat.bench=1', '--label', TEST_LABEL, '--network', 'none', '--memory', '32m', IMAGES.plain);
  }
}

/**
 * The audit's own work, without Node's start or the loading of Moat's code: the library call
 * in this already-warm process, as `moat agent --interval` runs it, a fresh engine connection
 * and JSON report each time.
 */
async function warmAuditMs(): Promise<number> {
  const { audit } = await import('../src/features/audit/audit.ts');
  const { renderReport } = await import('../src/report/index.ts');
  const one = async (): Promise<number> => {
    const t0 = performance.now();
    renderReport(await audit(), 'json', { color: false, verbose: false, cwd: root });
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) await one(); // compiled and warm, as in a long-lived agent
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await one());
  return median(xs);
}

export async function benchAudit(): Promise<void> {
  await ensureTestImages();
  const before = (await docker('ps', '-q')).split('\n').filter(Boolean).length;
  if (before > 0) console.log(`note: ${before} other containers are running and are audited too`);
  const results: Array<{ n: number; ms: number; rssMb: number; cpuMs: number; floorMs: number; warmMs: number }> = [];
  try {
    for (const n of [0, 20, 100]) {
      await setRunning(n);
      const ids = (await docker('ps', '-aq')).split('\n').filter(Boolean);
      runAudit(); // warm the page cache and the engine
      runInspect(ids);
      // In turn, so that a change in the machine's load reaches both alike.
      const samples: Sample[] = [];
      const floors: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        floors.push(runInspect(ids));
        samples.push(runAudit());
      }
      results.push({ n, ms: median(samples.map((s) => s.ms)), rssMb: Math.max(...samples.map((s) => s.rssMb)), cpuMs: median(samples.map((s) => s.cpuMs)), floorMs: median(floors), warmMs: await warmAuditMs() });
    }
  } finally {
    await setRunning(0);
  }
  console.log('\nmoat audit (median of %d runs, wall time including process start)', RUNS);
  console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (2 cores)`);
  console.log('floor: one `docker inspect` of every container, measured in turn with each audit (`docker info` with none)');
  console.log('warm: the same audit as a library call in a process that has audited before (as `moat agent` does), no process start');
  console.log('containers  wall ms  CPU ms  peak RSS MB  floor ms  ratio  warm ms  warm ratio');
  for (const r of results) {
    console.log(`${String(r.n).padStart(10)}  ${r.ms.toFixed(0).padStart(7)}  ${r.cpuMs.toFixed(0).padStart(6)}  ${r.rssMb.toFixed(1).padStart(11)}  ${r.floorMs.toFixed(0).padStart(8)}  ${(r.ms / r.floorMs).toFixed(2).padStart(4)}×  ${r.warmMs.toFixed(0).padStart(7)}  ${(r.warmMs / r.floorMs).toFixed(2).padStart(9)}×`);
  }
  const [r0, r20, r100] = results as [typeof results[0], typeof results[0], typeof results[0]];
  const perContainer = (r100.ms - r20.ms) / 80;
  console.log(`per added container: ${perContainer.toFixed(2)} ms wall, ${((r100.cpuMs - r20.cpuMs) / 80).toFixed(2)} ms CPU (20→100)`);
  await benchTlsRemote();
  console.log(`targets: 20 containers ≤ 300 ms: ${r20.ms <= 300 ? 'met' : 'MISSED'}; ≤ 5 ms/container: ${perContainer <= 5 ? 'met' : 'MISSED'}; ≤ 150 MB: ${Math.max(r0.rssMb, r20.rssMb, r100.rssMb) <= 150 ? 'met' : 'MISSED'}`);
  console.log(`issue 19: 20 containers ≤ 2× one docker inspect of them: ${r20.ms / r20.floorMs <= 2 ? 'met' : 'MISSED'} (${(r20.ms / r20.floorMs).toFixed(2)}×; Node's own start, \`node -e 0\`, is ${nodeStartMs().toFixed(0)} ms of it)`);
}

/**
 * The same audit of an engine with no containers, locally over its unix socket and remotely
 * over TCP with TLS (the bench's own --tlsverify dockerd, reached through 127.0.0.1). The
 * child runs asynchronously: the relay to that daemon lives in this process.
 */
export async function benchTlsRemote(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-bench-tls-'));
  const certs = await makeTlsSet(dir);
  const daemon = await startSecondDaemon({ plugins: [], tls: certs.server });
  const once = (env: NodeJS.ProcessEnv): Promise<number> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(node, [...moatCli('audit'), 'audit', '--format', 'json', '--fail-on', 'none'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`moat audit exited ${code}: ${err}`))));
    });
  try {
    const local = { DOCKER_HOST: `unix://${daemon.socket}` };
    const tls = { DOCKER_HOST: `tcp://127.0.0.1:${daemon.tcpPort}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.client };
    const sample = async (env: NodeJS.ProcessEnv): Promise<number> => {
      await once(env);
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) xs.push(await once(env));
      return median(xs);
    };
    const unixMs = await sample(local);
    const tlsMs = await sample(tls);
    console.log(`\nsame engine (0 containers), median of ${RUNS}: unix socket ${unixMs.toFixed(0)} ms, TCP+TLS remote ${tlsMs.toFixed(0)} ms (+${(tlsMs - unixMs).toFixed(0)} ms)`);
  } finally {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
