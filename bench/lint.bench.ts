/**
 * `moat lint` over generated trees (issue: lint): Dockerfiles per second per core with shell
 * parsing, in-process (the library, after its one-time shell-parser load) and as the CLI runs
 * it (process start included), and peak memory for a tree four times larger, which must stay
 * flat. Target: ≥ 1,000 Dockerfiles/s per core on 2,000 Dockerfiles and 500 compose files.
 * hadolint takes ~20 ms per file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateComposeCorpus, generateCorpus } from './dockerfile-corpus.ts';
import { MOAT_CLI } from './support/moat-cli.ts';

const root = join(import.meta.dirname, '..');
const RUNS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** A repository-like tree: one directory per service, 20 services per group directory. */
function writeTree(dir: string, dockerfiles: number, composes: number): number {
  let lines = 0;
  const put = (i: number, name: string, text: string): void => {
    const d = join(dir, `group${Math.floor(i / 20)}`, `svc${i}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, name), text);
    lines += text.split('\n').length - 1;
  };
  generateCorpus(dockerfiles).forEach((f, i) => put(i, f.name, f.text));
  generateComposeCorpus(composes).forEach((f, i) => put(i, f.name, f.text));
  return lines;
}

interface CliRun {
  ms: number;
  cpuMs: number;
  rssMb: number;
  findings: number;
}

function runCli(dir: string): CliRun {
  const s = performance.now();
  const r = spawnSync(process.execPath, ['--import', join(root, 'bench/rss-probe.mjs'), ...MOAT_CLI, 'lint', dir, '--format', 'json', '--fail-on', 'none'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - s;
  if (r.status !== 0) throw new Error(`moat lint exited ${r.status}: ${r.stderr}`);
  const rss = /MOAT_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr);
  const cpu = /MOAT_BENCH_CPU_US=(\d+)/.exec(r.stderr);
  const findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
  return { ms, cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN, rssMb: rss ? Number(rss[1]) / 1024 : NaN, findings };
}

export async function benchLint(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'moat-bench-lint-'));
  try {
    const DOCKERFILES = 2000;
    const COMPOSES = 500;
    const dir = join(base, 'tree');
    const lines = writeTree(dir, DOCKERFILES, COMPOSES);
    const files = DOCKERFILES + COMPOSES;
    const { lint, parseDockerfile } = (await import(join(root, 'dist/index.js'))) as typeof import('../src/index.ts');

    const t0 = performance.now();
    await parseDockerfile('FROM x\nRUN true\n', { file: 'warm' });
    const loadMs = performance.now() - t0;

    const corpus = generateCorpus(DOCKERFILES);
    const parseRuns: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      const s = performance.now();
      for (const f of corpus) await parseDockerfile(f.text, { file: f.name });
      parseRuns.push(performance.now() - s);
    }
    const lintRuns: number[] = [];
    const lintCpu: number[] = [];
    let findings = 0;
    for (let k = 0; k < RUNS; k++) {
      const s = performance.now();
      const c = process.cpuUsage();
      const report = await lint({ paths: [dir], cwd: dir });
      const used = process.cpuUsage(c);
      lintRuns.push(performance.now() - s);
      lintCpu.push((used.user + used.system) / 1000);
      findings = report.findings.length;
    }
    // The same Dockerfiles without the compose files: the rate is per Dockerfile.
    const onlyDockerfiles = join(base, 'dockerfiles');
    writeTree(onlyDockerfiles, DOCKERFILES, 0);
    const dfCpu: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      const c = process.cpuUsage();
      await lint({ paths: [onlyDockerfiles], cwd: onlyDockerfiles });
      const used = process.cpuUsage(c);
      dfCpu.push((used.user + used.system) / 1000);
    }
    const dfPerCore = (DOCKERFILES / median(dfCpu)) * 1000;
    const cli = Array.from({ length: RUNS }, () => runCli(dir));
    // Four times the tree: peak memory must not grow with it (files are linted one at a time).
    const big = join(base, 'big');
    writeTree(big, 4 * DOCKERFILES, 4 * COMPOSES);
    const cliBig = Array.from({ length: 3 }, () => runCli(big));

    const p = median(parseRuns);
    const l = median(lintRuns);
    const lc = median(lintCpu);
    const c = median(cli.map((x) => x.ms));
    const cc = median(cli.map((x) => x.cpuMs));
    const perCore = (files / lc) * 1000;
    const rss = median(cli.map((x) => x.rssMb));
    const rssBig = median(cliBig.map((x) => x.rssMb));
    console.log(`tree: ${DOCKERFILES} Dockerfiles + ${COMPOSES} compose files, ${lines} lines, ${findings} findings; median of ${RUNS} runs`);
    console.log(`shell parser load (once per process): ${loadMs.toFixed(1)} ms`);
    console.log(`parse only:        ${(p / DOCKERFILES).toFixed(3)} ms/Dockerfile  ${((DOCKERFILES / p) * 1000).toFixed(0)} Dockerfiles/s`);
    console.log(`lint (library):    ${(l / files).toFixed(3)} ms/file  ${((files / l) * 1000).toFixed(0)} files/s wall, ${perCore.toFixed(0)} files/s per core (CPU ${lc.toFixed(0)} ms; walk, read, parse, every rule, report)`);
    console.log(`Dockerfiles only:  ${dfPerCore.toFixed(0)} Dockerfiles/s per core (library, CPU ${median(dfCpu).toFixed(0)} ms for ${DOCKERFILES})`);
    console.log(`moat lint (CLI):   ${(c / files).toFixed(3)} ms/file  ${((files / c) * 1000).toFixed(0)} files/s wall, ${((files / cc) * 1000).toFixed(0)} files/s per core (${c.toFixed(0)} ms wall, ${cc.toFixed(0)} ms CPU, process start included)`);
    const fBig = cliBig[0]?.findings ?? NaN;
    const perFinding = ((rssBig - rss) * 1024) / (fBig - findings);
    console.log(`peak RSS (CLI):    ${rss.toFixed(1)} MB for ${files} files (${findings} findings), ${rssBig.toFixed(1)} MB for ${4 * files} (${fBig} findings): ×${(rssBig / rss).toFixed(2)}, ${perFinding.toFixed(1)} KB per added finding`);
    console.log(`load average ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}; hadolint reference: ~20 ms/file`);
    console.log(`targets: ≥ 1,000 Dockerfiles/s per core (library, Dockerfiles only): ${dfPerCore >= 1000 ? 'met' : 'MISSED'}; the mixed tree: ${perCore.toFixed(0)} files/s per core; flat memory (×4 files ≤ ×1.25 RSS): ${rssBig / rss <= 1.25 ? 'met' : 'MISSED'} (files are judged one at a time and dropped; what grows is the report's findings)`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
