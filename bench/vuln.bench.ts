/**
 * Vulnerability data at scale (issue: vulnerability data and matching). Builds an
 * all.zip of 500,000 generated OSV records (src/knowledge/vuln/test-support/osv-generator.ts),
 * then measures `moat db import` of it as shipped (wall time and peak RSS of the CLI
 * process), the database size, matching an inventory of 2,000 packages, and `moat scan`
 * against `moat sbom` of the Debian test image with that database (issue 5), from the
 * engine and from its `docker save` archive.
 * Targets: import ≤ 60 s and ≤ 500 MB peak; match ≤ 100 ms; scan ≤ 1.2× sbom.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { docker } from '../test/support/engine.ts';
import { DEBIAN_IMAGES, ensureDebianImages } from '../test/support/images.ts';
import { median, runMoat } from './sbom.bench.ts';
import { VulnDatabase } from '../src/knowledge/vuln/db/vuln-database.ts';
import { matchInventory } from '../src/knowledge/vuln/match/match.ts';
import type { Inventory, Package } from '../src/models/inventory.ts';
import { bulkRecord } from '../src/knowledge/vuln/test-support/osv-generator.ts';
import { ZipWriter } from '../src/knowledge/vuln/test-support/zip-writer.ts';

const root = path.join(import.meta.dirname, '..');
const RECORDS = Number(process.env['MOAT_BENCH_RECORDS'] ?? 500_000);
const PACKAGES = 2000;
const RUNS = 15;

function buildZip(file: string): void {
  if (existsSync(file)) return;
  const t0 = performance.now();
  const zip = new ZipWriter(`${file}.tmp`);
  for (let i = 0; i < RECORDS; i++) {
    const r = bulkRecord(i);
    zip.add(`${r.id}.json`, JSON.stringify(r, null, 2));
  }
  zip.close();
  spawnSync('mv', [`${file}.tmp`, file]);
  console.log(`built ${file}: ${RECORDS} records, ${(statSync(file).size / 1e6).toFixed(0)} MB, in ${((performance.now() - t0) / 1000).toFixed(1)} s (not measured)`);
}

/** Packages named like the generated ones, at versions that fall inside and outside their ranges. */
export function inventoryForBench(): Inventory {
  const packages: Package[] = [];
  for (let i = 0; i < PACKAGES; i++) {
    const id = (i * 7919) % 20000;
    const kind = i % 5;
    const pkg: Package =
      kind === 0
        ? { type: 'deb', name: `libsynth${id}-1`, version: `1.${i % 20}.3-1+deb12u1`, source: { name: `libsynth${id}`, version: `1.${i % 20}.3-1+deb12u1` }, purl: `pkg:deb/debian/libsynth${id}-1`, foundIn: 'var/lib/dpkg/status', analyzer: 'bench' }
        : kind === 1
          ? { type: 'npm', name: i % 2 ? `@synth/pkg-${id}` : `synth-pkg-${id}`, version: `2.${i % 20}.4`, purl: `pkg:npm/synth-pkg-${id}`, foundIn: 'app/package-lock.json', analyzer: 'bench' }
          : kind === 2
            ? { type: 'pypi', name: `Synth-Pkg.${id}`, version: `1.${i % 20}.5`, purl: `pkg:pypi/synth-pkg-${id}`, foundIn: 'usr/lib/python3/site-packages', analyzer: 'bench' }
            : kind === 3
              ? { type: 'maven', name: `org.synth${id % 97}:artifact-${id}`, version: `3.${i % 20}.1`, purl: `pkg:maven/org.synth/artifact-${id}`, foundIn: 'app/lib/a.jar', analyzer: 'bench' }
              : { type: 'golang', name: `example.invalid/synth/mod${id}`, version: `v0.${i % 20}.2`, purl: `pkg:golang/mod${id}`, foundIn: 'app/server', analyzer: 'bench' };
    packages.push(pkg);
  }
  return { os: { id: 'debian', versionId: '12', idLike: [], foundIn: 'etc/os-release' }, packages, analyzers: [], problems: [] };
}

export async function benchVuln(): Promise<void> {
  const dir = path.join(root, 'bench/out');
  mkdirSync(dir, { recursive: true });
  const zip = path.join(dir, `osv-${RECORDS}.zip`);
  buildZip(zip);
  const db = path.join(dir, 'osv-bench.sqlite');
  rmSync(db, { force: true });

  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', path.join(root, 'bench/rss-probe.mjs'), path.join(root, 'dist/moat/bin.js'), 'db', 'import', '--db', db, zip], { encoding: 'utf8' });
  const importS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`moat db import exited ${r.status}: ${r.stderr}`);
  const rssMb = Number(/MOAT_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  const importCpuS = Number(/MOAT_BENCH_CPU_US=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1e6;
  const sizeMb = statSync(db).size / 1e6;

  const vdb = VulnDatabase.open(db);
  const inv = inventoryForBench();
  matchInventory(vdb, inv); // warm the page cache and the statement
  const times: number[] = [];
  const cpu: number[] = [];
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const m0 = performance.now();
    findings = matchInventory(vdb, inv).findings.length;
    times.push(performance.now() - m0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  vdb.close();
  const min = (xs: number[]): number => Math.min(...xs);
  const matchMs = median(times);
  const load = (await import('node:os')).loadavg()[0] as number;

  console.log(`\nmoat db import of ${RECORDS} records (one all.zip): ${importS.toFixed(1)} s wall, ${importCpuS.toFixed(1)} s CPU, peak RSS ${rssMb.toFixed(0)} MB`);
  console.log(`database size: ${sizeMb.toFixed(0)} MB (${db})`);
  console.log(`match ${PACKAGES} packages: ${matchMs.toFixed(1)} ms wall (best ${min(times).toFixed(1)}), ${median(cpu).toFixed(1)} ms CPU (best ${min(cpu).toFixed(1)}); medians of ${RUNS} runs, ${findings} findings`);
  console.log(`load average during the run: ${load.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores (wall times grow with it; CPU times do not)`);
  console.log(`targets: import ≤ 60 s: ${importS <= 60 ? 'met' : 'MISSED'}; ≤ 500 MB: ${rssMb <= 500 ? 'met' : 'MISSED'}; match ≤ 100 ms: ${matchMs <= 100 ? 'met' : 'MISSED'}`);
  await scanAgainstSbom(db);
}

const SCAN_RUNS = 5;

/**
 * `moat scan` against `moat sbom` of one image, both CLIs as shipped, runs alternated so
 * that a neighbour's burst of work lands on both alike. The scan reads the same image and
 * adds opening the database, matching and the report.
 */
async function scanAgainstSbom(db: string): Promise<void> {
  await ensureDebianImages();
  const image = DEBIAN_IMAGES.curl;
  const work = mkdtempSync(path.join(tmpdir(), 'moat-bench-scan-'));
  try {
    const archive = path.join(work, 'image.tar');
    await docker('save', '-o', archive, image);
    const mb = statSync(archive).size / 1024 / 1024;
    console.log(`\nmoat scan (--db ${path.basename(db)}, ${RECORDS} records) against moat sbom of ${image} (${mb.toFixed(0)} MB archive), median of ${SCAN_RUNS} alternated runs each`);
    console.log(`load average before: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log('source               sbom s   scan s   ratio   sbom CPU s   scan CPU s   scan peak RSS MB   findings');
    const ratios: number[] = [];
    for (const [label, target] of [
      ['engine', image],
      ['docker-archive', `docker-archive:${archive}`],
    ] as const) {
      const sbomArgs = ['sbom', target, '--format', 'cyclonedx'];
      const scanArgs = ['scan', target, '--db', db, '--format', 'json', '--fail-on', 'none'];
      runMoat(sbomArgs); // warm the page cache and the engine
      runMoat(scanArgs);
      const sbom = [];
      const scan = [];
      for (let i = 0; i < SCAN_RUNS; i++) {
        sbom.push(runMoat(sbomArgs));
        scan.push(runMoat(scanArgs));
      }
      const sbomS = median(sbom.map((x) => x.ms)) / 1000;
      const scanS = median(scan.map((x) => x.ms)) / 1000;
      const findings = (JSON.parse((scan[0] as { stdout: string }).stdout) as { findings: unknown[] }).findings.length;
      ratios.push(scanS / sbomS);
      console.log(
        `${label.padEnd(18)} ${sbomS.toFixed(2).padStart(7)}  ${scanS.toFixed(2).padStart(7)}  ${(scanS / sbomS).toFixed(2).padStart(6)}  ${(median(sbom.map((x) => x.cpuMs)) / 1000).toFixed(2).padStart(11)}  ${(median(scan.map((x) => x.cpuMs)) / 1000).toFixed(2).padStart(11)}  ${Math.max(...scan.map((x) => x.rssMb)).toFixed(0).padStart(17)}  ${String(findings).padStart(9)}`,
      );
    }
    console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`target: scan ≤ 1.2× sbom: ${ratios.every((r) => r <= 1.2) ? 'met' : 'MISSED'} (${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
