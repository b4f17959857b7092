/**
 * `moat watch` (issue: "watch event-to-alert latency ≤ 200 ms, memory over 100,000 events flat").
 *
 * 1. Latency, against the real engine: `docker exec` and container starts; from the engine's
 *    event time to the alert (engine look-ups, rules and masking included).
 * 2. Memory over 100,000 events: the real engine cannot make 100,000 events in a bench's
 *    time, so a loopback engine (bench/support/replay-engine.ts, its own process) replays
 *    them, answering inspect and exec inspect with JSON captured from the real engine at the
 *    start. Its stream is paced by the watcher's own look-ups, so every event is processed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { EngineClient } from '../src/doors/engine/client.ts';
import { allRules } from '../src/knowledge/rules/index.ts';
import { watch } from '../src/features/watch/watcher.ts';
import type { Alert } from '../src/features/watch/alert.ts';
import { docker, TEST_LABEL } from '../test/support/engine.ts';
import { ensureWatchImage, WATCH_IMAGE } from '../test/support/watch-image.ts';

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;

export async function benchWatchLatency(): Promise<void> {
  await ensureWatchImage();
  const byKind = new Map<string, number[]>();
  // How long the engine itself took to deliver the event: the part of the latency that is not Moat's.
  const delivery: number[] = [];
  const w = await watch({
    rules: allRules,
    driftIntervalMs: 3_600_000,
    statsIntervalMs: 3_600_000,
    observer: {
      event: (e) => {
        if ((e.attributes.name ?? '').startsWith('moat-bench-watch') && /^(start|exec_start)/.test(e.action)) delivery.push(Date.now() - Number(e.timeNano / 1_000_000n));
      },
      alert: (a, ms) => ms !== undefined && a.container?.name.startsWith('moat-bench-watch') && byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), ms]),
    },
  });
  const drain = (async () => {
    for await (const _ of w) void _;
  })();
  const names: string[] = [];
  try {
    const c = `moat-bench-watch-${process.pid}`;
    names.push(c);
    await docker('run', '-d', '--name', c, '--label', TEST_LABEL, '--network', 'none', WATCH_IMAGE);
    for (let i = 0; i < 30; i++) await docker('exec', c, '/tool', 'exit', '0');
    for (let i = 0; i < 10; i++) {
      const n = `${c}-s${i}`;
      names.push(n);
      await docker('run', '-d', '--name', n, '--label', TEST_LABEL, '--network', 'none', '--pid', 'host', WATCH_IMAGE);
    }
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await w.stop();
    await drain;
    await docker('rm', '-f', ...names).catch(() => undefined);
  }
  console.log('\nevent-to-alert latency, real engine (ms from the engine event time to the alert)');
  console.log('kind      alerts  median     p95     max');
  for (const [kind, xs] of [...byKind, ['(engine delivery of those events)', delivery] as const]) console.log(`${kind.padEnd(8)} ${String(xs.length).padStart(7)} ${pct(xs, 50).toFixed(1).padStart(7)} ${pct(xs, 95).toFixed(1).padStart(7)} ${Math.max(...xs).toFixed(1).padStart(7)}`);
  console.log(`load average: ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores`);
  const worst = Math.max(...[...byKind.values()].map((xs) => pct(xs, 95)));
  console.log(`target p95 ≤ 200 ms: ${worst <= 200 ? 'met' : 'MISSED'} (worst p95 ${worst.toFixed(1)} ms)`);
}

/** Inspect and exec-inspect answers from the real engine, to replay with other ids; its /version and /info (the watch reads the daemon's facts once). */
async function captureTemplates(): Promise<{ inspect: Record<string, unknown>; exec: Record<string, unknown>; version: unknown; info: unknown }> {
  const c = `moat-bench-watch-tpl-${process.pid}`;
  await docker('run', '-d', '--name', c, '--label', TEST_LABEL, '--network', 'none', '--pid', 'host', WATCH_IMAGE);
  try {
    // Detached and still running, so the engine still lists it in ExecIDs.
    await docker('exec', '-d', c, '/tool', '--password', 'benchsecret');
    const client = await EngineClient.connect();
    try {
      const inspect = (await client.getJson(`/containers/${c}/json`)) as Record<string, unknown> & { ExecIDs: string[] };
      const exec = (await client.getJson(`/exec/${inspect.ExecIDs[0]}/json`)) as Record<string, unknown>;
      const [version, info] = await Promise.all([client.getJson('/version'), client.getJson('/info')]);
      return { inspect, exec, version, info };
    } finally {
      client.close();
    }
  } finally {
    await docker('rm', '-f', c);
  }
}

export async function benchWatchMemory(total: number): Promise<void> {
  v8.setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  const dir = mkdtempSync(join(tmpdir(), 'moat-bench-engine-'));
  const socketPath = join(dir, 'docker.sock');
  const tplFile = join(dir, 'templates.json');
  writeFileSync(tplFile, JSON.stringify(await captureTemplates()));
  // The replaying engine runs in its own process: only the watcher's memory is measured here.
  const engine = spawn(process.execPath, [join(import.meta.dirname, 'support/replay-engine.ts'), socketPath, tplFile, String(total), WATCH_IMAGE], { stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    for (let i = 0; i < 100 && !existsSync(socketPath); i++) await new Promise((r) => setTimeout(r, 50));
    const samples: Array<{ events: number; heapMb: number; rssMb: number; externalMb: number; ms: number }> = [];
    let processed = 0;
    gc();
    const rssBefore = process.memoryUsage().rss;
    const start = performance.now();
    const client = await EngineClient.connect({ endpoint: { kind: 'unix', socketPath, display: `unix://${socketPath}` } });
    const w = await watch({
      client,
      rules: allRules,
      driftIntervalMs: 3_600_000,
      statsIntervalMs: 3_600_000,
      observer: {
        event: () => {
          if (++processed % 10_000 === 0) {
            gc();
            const m = process.memoryUsage();
            samples.push({ events: processed, heapMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20, externalMb: (m.external + m.arrayBuffers) / 2 ** 20, ms: performance.now() - start });
          }
        },
      },
    });
    const kinds = new Map<string, number>();
    for await (const a of w as AsyncIterable<Alert>) {
      kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
      if (processed >= total && kinds.get('exec') === total / 4) break;
    }
    await w.stop();
    client.close();

    console.log(`\nmemory of the watching process over ${total.toLocaleString('en')} events (a loopback engine in another process replays them, answering with inspect JSON captured from the real engine; GC forced before each sample)`);
    console.log(`before the first event: RSS ${(rssBefore / 2 ** 20).toFixed(1)} MB`);
    console.log('   events  heap MB  external MB  RSS MB  elapsed s');
    for (const s of samples) console.log(`${String(s.events).padStart(9)} ${s.heapMb.toFixed(1).padStart(8)} ${s.externalMb.toFixed(1).padStart(12)} ${s.rssMb.toFixed(1).padStart(7)} ${(s.ms / 1000).toFixed(1).padStart(10)}`);
    console.log(`alerts: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}; events processed ${processed}`);
    const first = samples[1] ?? samples[0];
    const last = samples[samples.length - 1];
    if (first && last) {
      const growth = last.heapMb - first.heapMb;
      const rssGrowth = last.rssMb - first.rssMb;
      console.log(`from ${first.events} to ${last.events} events: heap ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB, RSS ${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)} MB; flat (heap within 5 MB): ${Math.abs(growth) <= 5 ? 'met' : 'MISSED'}`);
    }
  } finally {
    engine.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchWatch(): Promise<void> {
  await benchWatchLatency();
  await benchWatchMemory(100_000);
}
