/**
 * `moat serve` at fleet scale (issue 14), on both stores, the server run as shipped
 * (dist/moat/bin.js) in its own process:
 * - ingest of HOSTS simulated hosts × CONTAINERS containers, with findings and
 *   PACKAGES-package inventories (images drawn from a pool, as fleets share images):
 *   reports per second and p99 ingest latency (4 agents pushing at once);
 * - the findings query over that fleet: p99 latency (target ≤ 100 ms);
 * - re-match of REMATCH stored inventories after a vulnerability database update (target ≤ 60 s);
 * - the embedded server's RSS: idle, and peak under the ingest (targets ≤ 400 MB, ≤ 800 MB).
 * Sizes can be lowered for a quick look: MOAT_BENCH_SERVE_HOSTS, _IMAGES, _REMATCH; MOAT_BENCH_SERVE_STORES=postgres picks one store.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { advisory, makeStore, type StoreHandle, type StoreKind } from '../src/server/test-support/harness.ts';
import { importAdvisories } from '../src/server/test-support/harness.ts';

const root = path.join(import.meta.dirname, '..');
const BIN = path.join(root, 'dist/moat/bin.js');
const env = process.env;
const HOSTS = Number(env['MOAT_BENCH_SERVE_HOSTS'] ?? 200);
const CONTAINERS = 50;
const PACKAGES = 300;
const IMAGE_POOL = Number(env['MOAT_BENCH_SERVE_IMAGES'] ?? 2000);
const PACKAGE_POOL = 5000;
const REMATCH = Number(env['MOAT_BENCH_SERVE_REMATCH'] ?? 10_000);
const CONCURRENCY = 4;
const RULES: Array<[string, string]> = [
  ['container-root-user', 'medium'],
  ['container-no-healthcheck', 'low'],
  ['container-no-memory-limit', 'medium'],
  ['container-no-pids-limit', 'low'],
  ['container-writable-rootfs', 'low'],
  ['container-privileged', 'critical'],
];

const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const pkgName = (n: number): string => `benchpkg${n}`;

function inventory(image: number): object {
  const packages = [];
  for (let j = 0; j < PACKAGES; j++) {
    const n = (image * 131 + j * 17) % PACKAGE_POOL;
    const version = `1.${n % 7}-1`;
    packages.push({ type: 'deb', name: pkgName(n), version, source: { name: pkgName(n), version }, purl: `pkg:deb/debian/${pkgName(n)}@${version}?arch=amd64&distro=debian-12`, foundIn: 'var/lib/dpkg/status' });
  }
  return { os: { id: 'debian', versionId: '12', versionCodename: 'bookworm', idLike: [], foundIn: 'etc/os-release' }, packages };
}

function auditDoc(host: number): object {
  const findings = [];
  for (let c = 0; c < CONTAINERS; c++) {
    const id = `${host.toString(16).padStart(8, '0')}${c.toString(16).padStart(8, '0')}`.padEnd(64, 'c');
    RULES.forEach(([ruleId, severity], r) => {
      if (r === 5 && (host + c) % 25 !== 0) return;
      if (r === 4 && c % 2 === 0) return;
      findings.push({ ruleId, severity, title: ruleId, message: `${ruleId} on app-${c}`, subject: { kind: 'container', id, name: `app-${c}` }, remediation: 'fix it', references: {} });
    });
  }
  for (let d = 0; d < 20; d++) findings.push({ ruleId: `daemon-rule-${d}`, severity: d < 3 ? 'high' : 'info', title: 'daemon', message: 'daemon setting', subject: { kind: 'daemon', id: 'dockerd' }, remediation: 'fix', references: {} });
  return { schemaVersion: '1.3.0', command: 'audit', target: { description: `bench host ${host}`, engineVersion: '20.10.24', hostname: `bench-${host}`, containers: CONTAINERS }, findings, checks: [], summary: {} };
}

function imagesOf(host: number): number[] {
  return Array.from({ length: CONTAINERS }, (_, c) => (host * 37 + c * 41) % IMAGE_POOL);
}

async function post(url: string, token: string, route: string, body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}${route}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify(body)) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${route}: ${res.status} ${JSON.stringify(json)}`);
  return { status: res.status, json };
}

/** One agent round: ask what is missing, push the report with those inventories. */
async function pushHost(url: string, token: string, host: string, hostIndex: number, images: number[], withAudit: boolean, sent: Set<number>): Promise<number> {
  const missing = (await post(url, token, '/api/v1/images/missing', { images: images.map((i) => ({ digest: digest(i), layers: [] })) })).json.missing as string[];
  const want = new Set(missing);
  const doc = {
    schema: 'moat.agent-report/1',
    id: `bench-${host}-${Date.now()}`,
    host,
    sentAt: new Date().toISOString(),
    agentVersion: 'bench',
    audit: withAudit ? auditDoc(hostIndex) : { findings: [] },
    images: [...new Set(images)].map((i) => ({ digest: digest(i), references: [`bench.test/app${i}:1`], layers: [], ...(want.has(digest(i)) && !sent.has(i) ? { inventory: inventory(i) } : {}) })),
    containers: images.map((i, c) => ({ id: `${hostIndex}-${c}`, name: `app-${c}`, image: `bench.test/app${i}:1`, imageDigest: digest(i), state: 'running' })),
  };
  for (const i of images) if (want.has(digest(i))) sent.add(i);
  const t0 = performance.now();
  await post(url, token, '/api/v1/reports', doc);
  return performance.now() - t0;
}

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

/** The server's CPU time so far (user + system), in seconds: wall times alone mean little on a shared machine. */
function cpuS(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function load(): string {
  return `load ${loadavg().map((l) => l.toFixed(1)).join('/')}`;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}

async function startServe(store: StoreHandle): Promise<{ url: string; child: ChildProcess }> {
  const args = 'database' in store.options ? ['--database', store.options.database] : ['--data', store.options.data];
  const child = spawn(process.execPath, [BIN, 'serve', ...args, '--listen', '127.0.0.1:0', '--vuln-db', store.vulnDb, '--poll', '0.5', '--rematch-check', '0.5'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`moat serve exited ${code}`)));
  });
  return { url, child };
}

async function benchStore(kind: StoreKind): Promise<void> {
  const store = await makeStore(kind);
  let server: ChildProcess | undefined;
  try {
    const storeArgs = 'database' in store.options ? ['--database', store.options.database] : ['--data', store.options.data];
    const token = spawnSync(process.execPath, [BIN, 'serve', 'token', 'create', '--role', 'admin', '--rate', '1000000', ...storeArgs], { encoding: 'utf8' }).stdout.trim().split('\n').pop() as string;
    // Advisories for one package in ten: the database the fleet is matched against.
    await importAdvisories(store.vulnDb, Array.from({ length: PACKAGE_POOL / 10 }, (_, k) => advisory(`DSA-B${k * 10}`, `CVE-2026-${100000 + k * 10}`, pkgName(k * 10), '9.0-1')));
    const t0 = performance.now();
    const { url, child } = await startServe(store);
    server = child;
    const pid = child.pid as number;
    const ready = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 3000));
    const idle = rssKb(pid, 'VmRSS');
    // The peak is the process's high-water mark: what it reached before the ingest (startup, schema, queue) is part of it.
    const startPeak = rssKb(pid, 'VmHWM');

    // Ingest: CONCURRENCY agents, each pushing its share of hosts.
    const latencies: number[] = [];
    const sent = new Set<number>();
    let cpu0 = cpuS(pid);
    let next = 0;
    const i0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let h = next++; h < HOSTS; h = next++) latencies.push(await pushHost(url, token, `bench-${h}`, h, imagesOf(h), true, sent));
      }),
    );
    const ingestS = (performance.now() - i0) / 1000;
    const peak = rssKb(pid, 'VmHWM');
    const wasm = await wasmMemoryMb(url, token);
    console.log(
      `${kind}: ready in ${(ready / 1000).toFixed(1)} s; ingest of ${HOSTS} hosts × ${CONTAINERS} containers (${sent.size} inventories of ${PACKAGES} packages): ` +
        `${(HOSTS / ingestS).toFixed(1)} reports/s, p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms; ${ingestS.toFixed(0)} s wall, server CPU ${(cpuS(pid) - cpu0).toFixed(1)} s, ${load()}`,
    );

    const waitMatched = async (n: number): Promise<void> => {
      for (;;) {
        const res = await fetch(`${url}/api/v1/images`, { headers: { authorization: `Bearer ${token}` } });
        // Matched, not only stored: the queued matching would otherwise run under the next measurement.
        const images = ((await res.json()) as { images: Array<{ matched: boolean }> }).images;
        if (images.filter((i) => i.matched).length >= n) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await waitMatched(sent.size);

    // The findings query: a host's page, the fleet's worst, a rule across the fleet, a CVE.
    const queries = [
      (i: number) => `/api/v1/findings?host=bench-${i % HOSTS}&limit=100`,
      () => `/api/v1/findings?severity=critical,high&limit=100`,
      (i: number) => `/api/v1/findings?rule=container-root-user&host=bench-${i % HOSTS}&limit=100`,
      (i: number) => `/api/v1/findings?cve=CVE-2026-${100000 + ((i * 10) % PACKAGE_POOL)}&limit=100`,
    ];
    const q: number[][] = queries.map(() => []);
    cpu0 = cpuS(pid);
    for (let i = 0; i < 50; i++) {
      for (const [k, make] of queries.entries()) {
        const s = performance.now();
        const res = await fetch(`${url}${make(i)}`, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${make(i)}: ${res.status}`);
        q[k]?.push(performance.now() - s);
      }
    }
    const all = q.flat();
    console.log(
      `${kind}: findings query over the fleet (${all.length} queries): p99 ${pct(all, 99).toFixed(0)} ms (host ${pct(q[0] as number[], 99).toFixed(0)}, severity ${pct(q[1] as number[], 99).toFixed(0)}, ` +
        `rule+host ${pct(q[2] as number[], 99).toFixed(0)}, cve ${pct(q[3] as number[], 99).toFixed(0)} ms); target ≤ 100 ms; server CPU ${(cpuS(pid) - cpu0).toFixed(1)} s, ${load()}`,
    );

    // Top up to REMATCH stored inventories (hosts of their own), then update the database.
    let extra = 0;
    const extraImages: number[] = [];
    for (let i = IMAGE_POOL; i < Math.max(IMAGE_POOL, REMATCH); i++) extraImages.push(i);
    const batches: number[][] = [];
    for (let i = 0; i < extraImages.length; i += CONTAINERS) batches.push(extraImages.slice(i, i + CONTAINERS));
    let nb = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let b = nb++; b < batches.length; b = nb++) {
          await pushHost(url, token, `bench-extra-${b}`, HOSTS + b, batches[b] as number[], false, sent);
          extra++;
        }
      }),
    );
    await waitMatched(sent.size);
    // The re-match is over when its job is: alerts are committed a batch at a time, the first long before the last.
    type JobRow = { id: string; queue: string; state: string; output: { packages?: number; changed?: number; alerts?: number; durationMs?: number } | null };
    const rematchJobs = async (): Promise<JobRow[]> => {
      const res = await fetch(`${url}/api/v1/jobs?state=completed`, { headers: { authorization: `Bearer ${token}` } });
      return ((await res.json()) as { jobs: JobRow[] }).jobs.filter((j) => j.queue === 'moat-rematch');
    };
    const before = new Set((await rematchJobs()).map((j) => j.id));
    cpu0 = cpuS(pid);
    const r0 = performance.now();
    await importAdvisories(store.vulnDb, Array.from({ length: PACKAGE_POOL / 10 }, (_, k) => advisory(`DSA-C${k * 10 + 5}`, `CVE-2026-${200000 + k * 10 + 5}`, pkgName(k * 10 + 5), '9.0-1')));
    const importMs = performance.now() - r0;
    let job: JobRow | undefined;
    while (job === undefined) {
      job = (await rematchJobs()).find((j) => !before.has(j.id) && (j.output?.packages ?? 0) > 0);
      if (job === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    const wall = (performance.now() - r0 - importMs) / 1000;
    const res = await fetch(`${url}/api/v1/alerts?limit=5000`, { headers: { authorization: `Bearer ${token}` } });
    const listed = ((await res.json()) as { alerts: Array<{ source: string }> }).alerts.filter((a) => a.source === 'rematch').length;
    const out = job.output ?? {};
    console.log(
      `${kind}: re-match of ${sent.size} stored inventories (${extra} extra reports) after a database update: ${wall.toFixed(1)} s from the new file to the job's end ` +
        `(job ${((out.durationMs ?? 0) / 1000).toFixed(1)} s over ${out.packages} distinct packages, ${out.changed} changed); ${out.alerts} alerts (${listed >= 5000 ? '≥5000' : listed} listed); target ≤ 60 s; server CPU ${(cpuS(pid) - cpu0).toFixed(1)} s, ${load()}`,
    );
    if (kind === 'embedded') {
      console.log(
        `${kind}: server RSS idle ${(idle / 1024).toFixed(0)} MB (target ≤ 400), peak under the ingest ${(peak / 1024).toFixed(0)} MB (target ≤ 800; ${(startPeak / 1024).toFixed(0)} MB of it reached before the ingest), ` +
          `peak overall ${(rssKb(pid, 'VmHWM') / 1024).toFixed(0)} MB; WebAssembly memory ${wasm} MB after the ingest`,
      );
    }
    else console.log(`${kind}: server RSS idle ${(idle / 1024).toFixed(0)} MB, peak under the ingest ${(peak / 1024).toFixed(0)} MB (PostgreSQL's own memory not counted)`);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    server = undefined;
  } finally {
    // A failed run must not leave its server running on a directory about to be removed.
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((r) => server?.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    store.destroy();
  }
}

/** The embedded store's WebAssembly memory, from the server's own /metrics (undefined: not reported). */
async function wasmMemoryMb(url: string, token: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const m = /^moat_store_wasm_memory_bytes (\d+)/m.exec(await res.text());
  return m ? (Number(m[1]) / 1048576).toFixed(0) : '(not reported)';
}

export async function benchServe(): Promise<void> {
  const stores = (env['MOAT_BENCH_SERVE_STORES'] ?? 'embedded,postgres').split(',') as StoreKind[];
  for (const kind of stores) await benchStore(kind);
}
