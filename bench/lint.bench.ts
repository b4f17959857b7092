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
import { generateComposeCorpus, generateCorpus, generateRealWorldCorpus } from './dockerfile-corpus.ts';
import { moatCli } from './support/moat-cli.ts';

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

function runCli(dir: string, findingsExpected = false): CliRun {
  const s = performance.now();
  const r = spawnSync(process.execPath, ['--import', join(root, 'bench/rss-probe.mjs'), ...moatCli('lint'), 'lint', dir, '--format', 'json', '--fail-on', 'none'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - s;
  if (r.status !== 0 && !(findingsExpected && r.status === 1)) throw new Error(`moat lint exited ${r.status}: ${r.stderr}`);
  const rss = /MOAT_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr);
  const cpu = /MOAT_BENCH_CPU_US=(\d+)/.exec(r.stderr);
  const findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
  return { ms, cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN, rssMb: rss ? Number(rss[1]) / 1024 : NaN, findings };
}

export async function benchLint(): Promise<void> {
  await benchRealWorld();
  await benchHostileSize();
  const base = mkdtempSync(join(tmpdir(), 'moat-bench-lint-'));
  try {
    const DOCKERFILES = 2000;
    const COMPOSES = 500;
    const dir = join(base, 'tree');
    const lines = writeTree(dir, DOCKERFILES, COMPOSES);
    const files = DOCKERFILES + COMPOSES;
    const { lint, parseDockerfile } = (await import(join(root, 'dist/index.js'))) as typeof import('../src/index.ts');

    const t0 = performance.now();
    await parseDockerfile('FROM x\nRUN if true; then :; fi\n', { file: 'warm' }); // needs the grammar: its load is measured here
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
    const dfCpu = await cpuMsOfRuns(() => lint({ paths: [onlyDockerfiles], cwd: onlyDockerfiles }));
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

/**
 * Issue 12's target: at least 1,000 real-world-shaped Dockerfiles (official-image shapes,
 * about 65 lines, long RUN chains, heredocs, build args) per core-second, and peak memory at
 * most 200 MB for 2,000 files, with the memory the findings take reported on its own.
 */
export async function benchRealWorld(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'moat-bench-lint-rw-'));
  try {
    const COUNT = 2000;
    const corpus = generateRealWorldCorpus(COUNT);
    let lines = 0;
    corpus.forEach((f, i) => {
      const d = join(base, `group${Math.floor(i / 20)}`, `svc${i}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'Dockerfile'), f.text);
      lines += f.text.split('\n').length - 1;
    });
    const { lint, parseDockerfile } = (await import(join(root, 'dist/index.js'))) as typeof import('../src/index.ts');
    await parseDockerfile('FROM x\nRUN if true; then :; fi\n', { file: 'warm' }); // needs the grammar: its load is measured here
    const cpu = await cpuMsOfRuns(() => lint({ paths: [base], cwd: base }));
    // The report's own heap: what the findings cost, apart from reading and parsing.
    const v8 = await import('node:v8');
    const vm = await import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const report = await lint({ paths: [base], cwd: base });
    gc();
    const reportMb = (process.memoryUsage().heapUsed - before) / 1048576;
    const cli = Array.from({ length: 3 }, () => runCli(base));
    // The process's floor (Node, the bundle, the shell grammar's WASM): what one file costs.
    const one = join(base, 'one');
    mkdirSync(one);
    writeFileSync(join(one, 'Dockerfile'), corpus[0]?.text ?? '');
    const floor = median(Array.from({ length: 3 }, () => runCli(one).rssMb));
    const perCore = (COUNT / median(cpu)) * 1000;
    const cliPerCore = (COUNT / median(cli.map((x) => x.cpuMs))) * 1000;
    const rss = median(cli.map((x) => x.rssMb));
    console.log(`real-world-shaped: ${COUNT} Dockerfiles, ${(lines / COUNT).toFixed(1)} lines on average, ${report.findings.length} findings; median of ${RUNS} runs`);
    console.log(`  rate:     ${perCore.toFixed(0)} Dockerfiles per core-second (library, CPU ${median(cpu).toFixed(0)} ms); ${cliPerCore.toFixed(0)} with the CLI, process start and JSON output included`);
    console.log(`  memory:   peak RSS ${rss.toFixed(1)} MB (CLI, ${COUNT} files; ${floor.toFixed(1)} MB for one file); the findings hold ${reportMb.toFixed(1)} MB of heap (${((reportMb * 1048576) / Math.max(1, report.findings.length)).toFixed(0)} bytes each)`);
    // The measure is the CLI's (process start and JSON output included); the library's is shown beside it.
    console.log(`  targets:  ≥ 1,000 per core-second through the CLI: ${cliPerCore >= 1000 ? 'met' : 'MISSED'} (library: ${perCore >= 1000 ? 'met' : 'MISSED'}); ≤ 200 MB peak: ${rss <= 200 ? 'met' : 'MISSED'}`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** Hostile sizes from issue 11: a 3.9 MB Dockerfile and one of 200,000 lines, through the CLI (CPU and peak memory). */
export async function benchHostileSize(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'moat-bench-lint-big-'));
  try {
    const lines = ['FROM debian:12', ...Array.from({ length: 200_000 }, (_, i) => `RUN echo line ${i}`)].join('\n') + '\n';
    const kinds = ['RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*', 'ENV V=value', 'COPY f /opt/f', 'RUN set -eux; \\\n\tcd /tmp; \\\n\tmake -j4 install', 'LABEL l="x"'];
    const parts = ['FROM debian:12 AS base'];
    for (let size = 0, i = 0; size < 3_900_000; i++) {
      const line = (kinds[i % kinds.length] as string).replace(/(curl|V|f|tmp|l)\b/, `$1${i}`);
      parts.push(line);
      size += line.length + 1;
    }
    const files: [string, string][] = [
      ['200,000 lines', lines],
      ['3.9 MB', parts.join('\n') + '\n'],
    ];
    for (const [what, text] of files) {
      const dir = join(base, what.replace(/\W+/g, '-'));
      mkdirSync(dir);
      writeFileSync(join(dir, 'Dockerfile'), text);
      const r = runCli(dir, true);
      console.log(`hostile ${what} (${(text.length / 1048576).toFixed(1)} MiB): ${r.cpuMs.toFixed(0)} ms CPU, ${r.ms.toFixed(0)} ms wall, peak RSS ${r.rssMb.toFixed(0)} MB, ${r.findings} findings (capped at 1,000 per rule)`);
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** CPU milliseconds of each of RUNS runs of `work`. */
async function cpuMsOfRuns(work: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const c = process.cpuUsage();
    await work();
    const used = process.cpuUsage(c);
    out.push((used.user + used.system) / 1000);
  }
  return out;
}
