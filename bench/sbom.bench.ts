/**
 * `moat sbom` of the Debian test image (debootstrap minbase + `apt-get install curl
 * openssl`, two layers, ~110 packages): wall time (process start included), CPU time and
 * peak RSS, streamed from the engine, read from a `docker save` archive, and pulled from a
 * local registry (gzip layers, as docker pushed them).
 *
 * Issue 19's targets, each printed with met/MISSED: from the engine, `moat sbom` takes
 * ≤ 1.3× the time of merely reading GET /images/{name}/get to nowhere (the two measured in
 * turn), with ≤ 200 MB peak RSS; the archive takes ≤ 0.6 s (printed beside `sha256sum` of it,
 * its floor on one core) and is ≥ 20× faster than cdxgen (installed into a
 * temporary directory from npm at bench time, never a dependency) and finds every package
 * dpkg itself lists in the image (`dpkg-query -W` in a container without network).
 */
import { spawnSync } from 'node:child_process';
import { moatCli } from './support/moat-cli.ts';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, TEST_LABEL } from '../test/support/engine.ts';
import { DEBIAN_IMAGES, ensureDebianImages } from '../test/support/images.ts';
import { startRegistry } from '../test/support/registry.ts';
import { dockerPush } from '../test/support/registry-images.ts';

const root = join(import.meta.dirname, '..');
const RUNS = 5;
const CDXGEN = '@cyclonedx/cdxgen@12.8.4';
const CDXGEN_RUNS = 3;

export interface Sample {
  ms: number;
  /** The process's own CPU time (user + system): unlike wall time, not inflated by other work on a shared machine. */
  cpuMs: number;
  rssMb: number;
  stdout: string;
}

/** Runs a Node CLI with the RSS/CPU probe preloaded; wall time includes process start. */
export function runNode(script: string | readonly string[], args: readonly string[], env: NodeJS.ProcessEnv = process.env): Sample {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', join(root, 'bench/rss-probe.mjs'), ...(typeof script === 'string' ? [script] : script), ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${String(script)} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const rss = /MOAT_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr);
  const cpu = /MOAT_BENCH_CPU_US=(\d+)/.exec(r.stderr);
  return { ms, cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN, rssMb: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout };
}

/** `moat ARGS` as shipped: the bundle, with the Node flags bin/moat gives that command. */
export function runMoat(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Sample {
  return runNode(moatCli(args[0] ?? ''), args, env);
}

/** The names of the `pkg:deb` components of a CycloneDX document. */
function debNames(cyclonedx: string): Set<string> {
  const doc = JSON.parse(cyclonedx) as { components?: Array<{ name: string; purl?: string }> };
  return new Set((doc.components ?? []).filter((c) => c.purl?.startsWith('pkg:deb/') === true).map((c) => c.name));
}

export function runSbom(target: string): Sample & { packages: number; deb: Set<string> } {
  const s = runMoat(['sbom', target, '--format', 'cyclonedx']);
  const doc = JSON.parse(s.stdout) as { components: Array<{ type: string }> };
  return { ...s, packages: doc.components.filter((c) => c.type === 'library').length, deb: debNames(s.stdout) };
}

/**
 * `moat scan IMAGE --no-vulns` (inventory + file facts + image rules) against `moat sbom`
 * (inventory only) on the same image: the cost of the file facts and rules, in wall time,
 * CPU and peak RSS.
 */
export function benchScanRules(image: string): void {
  console.log(`\nfile facts and image rules: moat scan --no-vulns vs moat sbom on ${image} (median of ${RUNS}, engine stream)`);
  console.log('command                              wall s   Moat CPU s   peak RSS MB');
  const env = { ...process.env, MOAT_DB: join(tmpdir(), 'moat-bench-no-db.sqlite') };
  for (const [label, args] of [
    ['moat sbom --format json', ['sbom', image, '--format', 'json']],
    // scan exits 1 when the image has findings at or above --fail-on; --fail-on none keeps 0.
    ['moat scan --no-vulns --format json', ['scan', image, '--no-vulns', '--format', 'json', '--fail-on', 'none']],
  ] as const) {
    runMoat(args, env); // warm the page cache
    const samples = Array.from({ length: RUNS }, () => runMoat(args, env));
    console.log(`${label.padEnd(35)}  ${(median(samples.map((x) => x.ms)) / 1000).toFixed(2).padStart(6)}  ${(median(samples.map((x) => x.cpuMs)) / 1000).toFixed(2).padStart(11)}  ${Math.max(...samples.map((x) => x.rssMb)).toFixed(0).padStart(12)}`);
  }
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** GET /images/{name}/get from the engine, every byte read and dropped: the floor for reading an image from the engine. */
function rawImageGet(image: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let bytes = 0;
    const req = request({ socketPath: '/var/run/docker.sock', path: `/images/${encodeURIComponent(image)}/get`, method: 'GET' }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /images/${image}/get: HTTP ${res.statusCode}`));
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ ms: performance.now() - t0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The packages dpkg lists in the image: the ground truth for "finds every dpkg package". */
async function dpkgPackages(image: string): Promise<Set<string>> {
  const name = `moat-bench-dpkg-${process.pid}`;
  try {
    const out = await docker('run', '--rm', '--network', 'none', '--name', name, '--label', TEST_LABEL, image, 'dpkg-query', '-W', '-f', '${Package}\\n');
    return new Set(out.split('\n').filter((l) => l !== ''));
  } finally {
    await docker('rm', '-f', name).catch(() => undefined);
  }
}

const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

export async function benchSbom(): Promise<void> {
  await ensureDebianImages();
  const work = mkdtempSync(join(tmpdir(), 'moat-bench-sbom-'));
  const reg = await startRegistry();
  try {
    const image = DEBIAN_IMAGES.curl;
    const remote = `${reg.host}/moat/debian-curl:1`;
    await dockerPush(image, remote);
    const archive = join(work, 'debian-curl.tar');
    await docker('save', '-o', archive, image);
    const mb = statSync(archive).size / 1024 / 1024;
    console.log(`image ${image}: ${mb.toFixed(0)} MB as a docker save archive`);
    console.log(`load average before: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores, shared)`);

    // Each floor beside what it bounds, in turn (floor, moat, moat, floor…), so that the load
    // of a shared machine weighs on both alike: the engine's export read to nowhere beside
    // `moat sbom IMAGE`, and `sha256sum` of the archive beside `moat sbom app.tar`.
    await rawImageGet(image); // warm the engine's caches, as the runs below are warmed
    runSbom(image);
    const raw: number[] = [];
    const engineRuns: number[] = [];
    const shaRuns: number[] = [];
    const archiveRuns: number[] = [];
    // The order alternates too: an export right after another one is measurably slower here
    // (dockerd writes each export to its own disk first), and whichever came second paid for it.
    for (let i = 0; i < RUNS; i++) {
      const moatFirst = i % 2 === 1;
      if (moatFirst) engineRuns.push(runSbom(image).ms);
      raw.push((await rawImageGet(image)).ms);
      if (!moatFirst) engineRuns.push(runSbom(image).ms);
      if (moatFirst) archiveRuns.push(runSbom(`docker-archive:${archive}`).ms);
      const t0 = performance.now();
      spawnSync('sha256sum', [archive], { stdio: 'ignore' });
      shaRuns.push(performance.now() - t0);
      if (!moatFirst) archiveRuns.push(runSbom(`docker-archive:${archive}`).ms);
    }
    const rawS = median(raw) / 1000;
    const pairRatios = engineRuns.map((e, i) => (e / (raw[i] as number)).toFixed(2));
    const archivePairs = archiveRuns.map((a, i) => (a / (shaRuns[i] as number)).toFixed(2));
    console.log(`GET /images/{name}/get read to nowhere: ${rawS.toFixed(2)} s (median of ${RUNS}); moat sbom IMAGE beside it: ${(median(engineRuns) / 1000).toFixed(2)} s; ratio of medians ${(median(engineRuns) / median(raw)).toFixed(2)}× (pairs: ${pairRatios.join(', ')})`);
    console.log(`sha256sum of the archive: ${(median(shaRuns) / 1000).toFixed(2)} s (median of ${RUNS}); moat sbom app.tar beside it: ${(median(archiveRuns) / 1000).toFixed(2)} s; ratio ${(median(archiveRuns) / median(shaRuns)).toFixed(2)}× (pairs: ${archivePairs.join(', ')})`);

    console.log(`\nmoat sbom --format cyclonedx (median of ${RUNS} runs, wall time including process start)`);
    console.log('source                  wall s   MB/s   Moat CPU s   peak RSS MB   packages');
    const results = new Map<string, { s: number; rssMb: number; deb: Set<string> }>();
    for (const [label, target] of [
      ['engine (streamed)', image],
      ['docker-archive', `docker-archive:${archive}`],
      ['registry (gzip, local)', `registry:${remote}`],
    ] as const) {
      runSbom(target); // warm the page cache
      const samples = Array.from({ length: RUNS }, () => runSbom(target));
      const s = median(samples.map((x) => x.ms)) / 1000;
      const cpu = median(samples.map((x) => x.cpuMs)) / 1000;
      const rssMb = Math.max(...samples.map((x) => x.rssMb));
      results.set(label, { s, rssMb, deb: (samples[0] as { deb: Set<string> }).deb });
      console.log(`${label.padEnd(22)}  ${s.toFixed(2).padStart(6)}  ${(mb / s).toFixed(0).padStart(5)}  ${cpu.toFixed(2).padStart(11)}  ${rssMb.toFixed(0).padStart(12)}  ${String(samples[0]?.packages).padStart(9)}`);
    }

    const truth = await dpkgPackages(image);
    const fromArchive = results.get('docker-archive') as { s: number; rssMb: number; deb: Set<string> };
    const moatFound = [...truth].filter((p) => fromArchive.deb.has(p)).length;

    // cdxgen, installed for this run only, on the same archive.
    const cdx = join(work, 'cdxgen');
    const t0 = performance.now();
    const npm = spawnSync('npm', ['install', '--prefix', cdx, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', CDXGEN], { encoding: 'utf8' });
    let cdxLine: string;
    let speedup = NaN;
    let cdxFound = NaN;
    if (npm.status !== 0) cdxLine = `cdxgen: npm install ${CDXGEN} failed (${npm.stderr.trim().split('\n').pop() ?? ''}): not compared`;
    else {
      console.log(`\ninstalled ${CDXGEN} in ${((performance.now() - t0) / 1000).toFixed(0)} s (not measured)`);
      const tmp = join(work, 'cdxgen-tmp');
      const env = { ...process.env, CDXGEN_TEMP_DIR: tmp, FETCH_LICENSE: 'false' };
      const bin = join(cdx, 'node_modules/@cyclonedx/cdxgen/bin/cdxgen.js');
      const out = join(work, 'cdxgen.json');
      const samples = Array.from({ length: CDXGEN_RUNS }, () => {
        rmSync(tmp, { recursive: true, force: true });
        const s = runNode(bin, ['-t', 'docker', archive, '-o', out], env);
        return { ...s, deb: debNames(spawnSync('cat', [out], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).stdout) };
      });
      const s = median(samples.map((x) => x.ms)) / 1000;
      cdxFound = [...truth].filter((p) => (samples[0] as { deb: Set<string> }).deb.has(p)).length;
      speedup = s / fromArchive.s;
      cdxLine = `cdxgen 12.8.4 -t docker on the same archive (median of ${CDXGEN_RUNS}): ${s.toFixed(2)} s wall, peak RSS ${Math.max(...samples.map((x) => x.rssMb)).toFixed(0)} MB (main process), ${cdxFound} of ${truth.size} dpkg packages`;
    }
    console.log(cdxLine);
    console.log(`moat sbom of the archive: ${fromArchive.s.toFixed(2)} s, ${moatFound} of ${truth.size} dpkg packages`);
    console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    const ratio = median(engineRuns) / median(raw);
    const archiveS = median(archiveRuns) / 1000;
    console.log(
      `targets (issue 19): engine ≤ 1.3× raw GET: ${verdict(ratio <= 1.3)} (${ratio.toFixed(2)}×); archive ≤ 0.6 s: ${verdict(archiveS <= 0.6)} (${archiveS.toFixed(2)} s); peak RSS ≤ 200 MB: ${verdict(Math.max(...[...results.values()].map((r) => r.rssMb)) <= 200)}; ` +
        `≥ 20× faster than cdxgen: ${Number.isNaN(speedup) ? 'not measured' : `${verdict(speedup >= 20)} (${speedup.toFixed(1)}×)`}; all dpkg packages: ${verdict(moatFound === truth.size)}`,
    );
    benchScanRules(DEBIAN_IMAGES.langs);
  } finally {
    await reg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
