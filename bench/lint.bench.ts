/**
 * `moat lint` over a corpus of 400 generated Dockerfiles: files per second and ms per file,
 * in-process (the library, after its one-time shell-parser load) and as the CLI runs it
 * (process start included). hadolint takes ~20 ms per file; the target is far under it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCorpus } from './dockerfile-corpus.ts';

const root = join(import.meta.dirname, '..');
const FILES = 400;
const RUNS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function benchLint(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-bench-lint-'));
  try {
    const corpus = generateCorpus(FILES);
    let lines = 0;
    for (const f of corpus) {
      writeFileSync(join(dir, f.name), f.text);
      lines += f.text.split('\n').length - 1;
    }
    const { lint } = (await import(join(root, 'dist/index.js'))) as typeof import('../src/index.ts');
    const { parseDockerfile } = (await import(join(root, 'dist/index.js'))) as typeof import('../src/index.ts');

    const t0 = performance.now();
    await parseDockerfile('FROM x\nRUN true\n', { file: 'warm' });
    const loadMs = performance.now() - t0;

    const parseRuns: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      const s = performance.now();
      for (const f of corpus) await parseDockerfile(f.text, { file: f.name });
      parseRuns.push(performance.now() - s);
    }
    const lintRuns: number[] = [];
    let findings = 0;
    for (let k = 0; k < RUNS; k++) {
      const s = performance.now();
      const report = await lint({ paths: [dir], cwd: dir });
      lintRuns.push(performance.now() - s);
      findings = report.findings.length;
    }
    const cliRuns: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      const s = performance.now();
      const r = spawnSync(process.execPath, [join(root, 'dist/moat/bin.js'), 'lint', dir, '--format', 'json', '--fail-on', 'none'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      cliRuns.push(performance.now() - s);
      if (r.status !== 0) throw new Error(`moat lint exited ${r.status}: ${r.stderr}`);
    }
    const p = median(parseRuns);
    const l = median(lintRuns);
    const c = median(cliRuns);
    console.log(`corpus: ${FILES} Dockerfiles, ${lines} lines, ${findings} findings; median of ${RUNS} runs`);
    console.log(`shell parser load (once per process): ${loadMs.toFixed(1)} ms`);
    console.log(`parse only:        ${(p / FILES).toFixed(3)} ms/file  ${((FILES / p) * 1000).toFixed(0)} files/s`);
    console.log(`lint (library):    ${(l / FILES).toFixed(3)} ms/file  ${((FILES / l) * 1000).toFixed(0)} files/s  (walk, read, parse, every rule, report)`);
    console.log(`moat lint (CLI):   ${(c / FILES).toFixed(3)} ms/file  ${((FILES / c) * 1000).toFixed(0)} files/s  (${c.toFixed(0)} ms wall, process start included)`);
    console.log(`hadolint reference: ~20 ms/file`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
