/**
 * Runs docker-bench-security and `moat audit` on the same test containers (the
 * real-engine matrix of test/support/matrix.ts) and keeps both results and their
 * timings for scripts/compare-docker-bench.ts. Creates only labelled test containers and
 * removes them afterwards; docker-bench is run from a checkout outside this repository.
 *
 *   git clone <docker-bench-security> /tmp/dbs
 *   npm run build && node scripts/docker-bench-side-by-side.ts /tmp/dbs /tmp/side-by-side
 *   node scripts/compare-docker-bench.ts /tmp/side-by-side docs/docker-bench-notes.json > docs/docker-bench-comparison.md
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { docker, IMAGES } from '../test/support/engine.ts';
import { startMatrix } from '../test/support/matrix.ts';

const [dbsArg, outArg] = process.argv.slice(2);
if (!dbsArg || !outArg) {
  console.error('usage: docker-bench-side-by-side.ts DOCKER_BENCH_CHECKOUT OUT_DIR');
  process.exit(2);
}
const dbs = resolve(dbsArg);
const out = resolve(outArg);
const root = join(import.meta.dirname, '..');
const moatBin = join(root, 'dist/moat/bin.js');
if (!existsSync(join(dbs, 'docker-bench-security.sh'))) {
  console.error(`no docker-bench-security.sh in ${dbs}: clone docker-bench-security there first`);
  process.exit(2);
}
if (!existsSync(moatBin)) {
  console.error('run `npm run build` first: Moat is timed as shipped (dist/)');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

interface Timed {
  ms: number;
  status: number | null;
  stderr: string;
}
function timed(cmd: string, args: string[], opts: { cwd?: string; stdoutTo?: string } = {}): Timed {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (opts.stdoutTo) writeFileSync(opts.stdoutTo, r.stdout);
  return { ms, status: r.status, stderr: r.stderr };
}

const matrix = await startMatrix('cmp');
try {
  const names = [...matrix.names.values()];
  const running = new Set((await docker('ps', '--filter', 'label=dev.moat.test=1', '--format', '{{.Names}}')).split('\n').filter((n) => names.includes(n)));
  const prefix = names[0]?.replace(/-[^-]+$/, '') ?? 'moat-test-cmp';
  // -i: docker-bench judges only the containers and images whose names match (ours), not other developers' ones.
  const include = [prefix, ...Object.values(IMAGES).map((ref) => ref.replace(/:.*$/, ''))].join(',');
  const benchArgs = ['docker-bench-security.sh', '-b', '-l', join(out, 'bench.log'), '-c', 'cis,community_checks', '-i', include];
  const loadAverage = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const bench = timed('sh', benchArgs, { cwd: dbs, stdoutTo: join(out, 'bench.out') });
  const containerArgs = (list: string[]): string[] => list.flatMap((n) => ['--container', n]);
  const moatArgs = [moatBin, 'audit', '--all', '--format', 'json', '--fail-on', 'none'];
  // The machine is shared: Moat's short runs are timed five times each and the median kept.
  const median = (runs: Timed[]): Timed => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)] as Timed;
  const moat = median(Array.from({ length: 5 }, () => timed(process.execPath, [...moatArgs, ...containerArgs(names)], { stdoutTo: join(out, 'moat.json') })));
  const moatRunning = median(Array.from({ length: 5 }, () => timed(process.execPath, [...moatArgs, ...containerArgs([...running])], { stdoutTo: join(out, 'moat-running.json') })));
  if (moat.status !== 0 || moatRunning.status !== 0) throw new Error(`moat audit failed: ${moat.stderr}${moatRunning.stderr}`);
  if (!existsSync(join(out, 'bench.log.json'))) throw new Error(`docker-bench wrote no JSON log (exit ${bench.status}): ${bench.stderr.slice(0, 500)}`);
  const run = {
    date: new Date().toISOString(),
    engine: await docker('version', '--format', '{{.Server.Version}}'),
    loadAverage,
    host: matrix.host,
    containers: matrix.cases.map((c) => ({ case: c.name, name: matrix.names.get(c.name), running: running.has(matrix.names.get(c.name) ?? ''), expect: c.expect })),
    timing: {
      dockerBenchMs: Math.round(bench.ms),
      moatAllMs: Math.round(moat.ms),
      moatRunningMs: Math.round(moatRunning.ms),
      commands: {
        dockerBench: `sh ${benchArgs.join(' ').replace(out + '/', '')}`,
        moat: `node dist/moat/bin.js audit --all --format json --fail-on none --container NAME... (median of 5; ${names.length} containers, ${running.size} of them running)`,
      },
    },
  };
  writeFileSync(join(out, 'run.json'), JSON.stringify(run, null, 2) + '\n');
  console.log(`docker-bench ${run.timing.dockerBenchMs} ms (${running.size} running containers); moat ${run.timing.moatRunningMs} ms on the same ${running.size}, ${run.timing.moatAllMs} ms on all ${names.length}; results in ${out}`);
} finally {
  await matrix.cleanup();
}
