/**
 * Vulnerability data at scale (issue: vulnerability data and matching). Builds an
 * all.zip of 500,000 generated OSV records (src/vuln/test-support/osv-generator.ts),
 * then measures `moat db import` of it as shipped (wall time and peak RSS of the CLI
 * process), the database size, and matching an inventory of 2,000 packages.
 * Targets: import ≤ 60 s and ≤ 500 MB peak; match ≤ 100 ms.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { VulnDatabase } from '../src/vuln/db/vuln-database.ts';
import { matchInventory } from '../src/vuln/match/match.ts';
import type { Inventory, Package } from '../src/models/inventory.ts';
import { bulkRecord } from '../src/vuln/test-support/osv-generator.ts';
import { ZipWriter } from '../src/vuln/test-support/zip-writer.ts';

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
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const min = (xs: number[]): number => Math.min(...xs);
  const matchMs = median(times);
  const load = (await import('node:os')).loadavg()[0] as number;

  console.log(`\nmoat db import of ${RECORDS} records (one all.zip): ${importS.toFixed(1)} s wall, ${importCpuS.toFixed(1)} s CPU, peak RSS ${rssMb.toFixed(0)} MB`);
  console.log(`database size: ${sizeMb.toFixed(0)} MB (${db})`);
  console.log(`match ${PACKAGES} packages: ${matchMs.toFixed(1)} ms wall (best ${min(times).toFixed(1)}), ${median(cpu).toFixed(1)} ms CPU (best ${min(cpu).toFixed(1)}); medians of ${RUNS} runs, ${findings} findings`);
  console.log(`load average during the run: ${load.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores (wall times grow with it; CPU times do not)`);
  console.log(`targets: import ≤ 60 s: ${importS <= 60 ? 'met' : 'MISSED'}; ≤ 500 MB: ${rssMb <= 500 ? 'met' : 'MISSED'}; match ≤ 100 ms: ${matchMs <= 100 ? 'met' : 'MISSED'}`);
}
