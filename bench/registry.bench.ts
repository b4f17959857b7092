/**
 * Pull of a ~100 MB image (4 layers of incompressible data) from a local registry
 * (distribution 2.8 on 127.0.0.1) to nowhere, every layer verified: MB/s of compressed
 * bytes and peak RSS, sequential and with 2 and 4 layers in flight. For scale, the same
 * bytes fetched without verification through node:http and through Node's built-in
 * fetch (undici). Each figure is the median of RUNS pulls, each in a fresh process.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, TEST_LABEL } from '../test/support/engine.ts';
import { startRegistry } from '../test/support/registry.ts';
import { dockerPush } from '../test/support/registry-images.ts';

const root = join(import.meta.dirname, '..');
const RUNS = 5;
const IMAGE = 'moat-bench/registry-100m:1';
const LAYERS = 4;
const LAYER_MB = 25;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function buildImage(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'moat-bench-img-'));
  try {
    const lines = ['FROM scratch', `LABEL ${TEST_LABEL.replace('=', '="')}"`];
    for (let i = 0; i < LAYERS; i++) {
      writeFileSync(join(dir, `blob${i}`), randomBytes(LAYER_MB << 20));
      lines.push(`COPY blob${i} /data/blob${i}`);
    }
    writeFileSync(join(dir, 'Dockerfile'), lines.join('\n') + '\n');
    await docker('build', '-q', '-t', IMAGE, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pull(ref: string, concurrency: number, mode: string): { mbps: number; rssMb: number; mb: number } {
  const r = spawnSync(process.execPath, ['--import', join(root, 'bench/rss-probe.mjs'), join(root, 'bench/registry-pull.ts'), ref, String(concurrency), mode], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pull exited ${r.status}: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { bytes: number; ms: number };
  const rss = /MOAT_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr);
  const mb = out.bytes / (1 << 20);
  return { mbps: mb / (out.ms / 1000), rssMb: rss ? Number(rss[1]) / 1024 : NaN, mb };
}

export async function benchRegistry(): Promise<void> {
  await buildImage();
  const reg = await startRegistry();
  try {
    const target = `${reg.host}/bench/big:1`;
    await dockerPush(IMAGE, target);
    pull(target, 1, 'moat'); // warm the page cache
    const rows: Array<[string, ReturnType<typeof pull>[]]> = [];
    for (const [label, c, mode] of [
      ['moat, 1 layer at a time', 1, 'moat'],
      ['moat, 2 layers at a time', 2, 'moat'],
      ['moat, 4 layers at a time', 4, 'moat'],
      ['node:http, unverified', 1, 'raw'],
      ['fetch (undici), unverified', 1, 'fetch'],
    ] as const) {
      rows.push([label, Array.from({ length: RUNS }, () => pull(target, c, mode))]);
    }
    const mb = rows[0]![1][0]!.mb;
    console.log(`\nregistry pull of ${mb.toFixed(1)} MB (${LAYERS} layers) from 127.0.0.1, to /dev/null; median of ${RUNS} runs, process start excluded from MB/s`);
    console.log('mode                          MB/s   peak RSS MB');
    for (const [label, samples] of rows) {
      console.log(`${label.padEnd(28)}  ${median(samples.map((s) => s.mbps)).toFixed(0).padStart(5)}   ${Math.max(...samples.map((s) => s.rssMb)).toFixed(1).padStart(11)}`);
    }
  } finally {
    await reg.stop();
    await docker('rmi', IMAGE).catch(() => undefined);
  }
}
