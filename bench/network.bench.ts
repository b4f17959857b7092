/**
 * `moat network` on 500 containers over 50 networks (issue 17: drawn in at most 1 s). A
 * loopback engine serves a generated snapshot — `/networks` (the list carries what Moat reads),
 * `/containers/json` and each container's inspect, `/version` and `/info` captured from the real
 * engine — and the built CLI runs against it exactly as against a real engine (`-H unix://…`):
 * the same door, view and renderers. Measured: wall time of the whole command, process start
 * included, for DOT (the drawing as text) and HTML (DOT laid out to SVG by Graphviz in
 * WebAssembly), median of 5 runs; and the in-process view+DOT part alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNetworkView } from '../src/features/network/view.ts';
import { renderNetwork } from '../src/features/network/render.ts';
import { containerFromInspect } from '../src/doors/engine/container.ts';
import { ContainerInspectSchema, parseEngine } from '../src/doors/engine/inspect-schema.ts';
import { NetworkInspectSchema, engineNetworkPicture, exposedOf, networkFromInspect } from '../src/doors/engine/network.ts';
import { moatCli } from './support/moat-cli.ts';

const CONTAINERS = 500;
const NETWORKS = 50;
const RUNS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function realEngine(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request({ socketPath: '/var/run/docker.sock', path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject).end();
  });
}

/** 500 containers, each on one to three of 50 networks; every tenth publishes on all interfaces, every fiftieth holds the engine socket. */
export function networkSnapshot(): { networks: Array<Record<string, unknown>>; containers: Array<Record<string, unknown>> } {
  const id = (p: string, i: number): string => `${p}${i.toString(16)}`.padEnd(64, '0');
  const containers = Array.from({ length: CONTAINERS }, (_, i) => {
    const nets = [i % NETWORKS, (i * 7) % NETWORKS, (i * 13) % NETWORKS].slice(0, 1 + (i % 3));
    return {
      Id: id('c', i), Name: `/svc-${i}`, Image: 'sha256:' + id('i', 1), Created: '2026-12-01T00:00:00Z',
      State: { Status: 'running', Running: true, Pid: 1000 + i, StartedAt: '2026-12-01T00:00:00Z' }, RestartCount: 0, ExecIDs: null,
      Config: { User: '10001', Image: 'app:1', Env: [], Labels: {}, ExposedPorts: { '8080/tcp': {} } },
      HostConfig: {
        NetworkMode: `net-${nets[0]}`, Privileged: false, CapAdd: null, CapDrop: ['ALL'], ReadonlyRootfs: true,
        PortBindings: i % 10 === 0 ? { '8080/tcp': [{ HostIp: '', HostPort: String(20000 + i) }] } : { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(20000 + i) }] },
        Binds: i % 50 === 25 ? ['/var/run/docker.sock:/var/run/docker.sock'] : null,
      },
      Mounts: i % 50 === 25 ? [{ Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', RW: true }] : [],
      NetworkSettings: { Networks: Object.fromEntries(nets.map((n) => [`net-${n}`, {}])) },
      nets,
    };
  });
  const networks = Array.from({ length: NETWORKS }, (_, n) => ({
    Id: id('n', n), Name: `net-${n}`, Driver: 'bridge', Internal: n % 10 === 9, EnableIPv6: false,
    Options: n % 5 === 4 ? { 'com.docker.network.bridge.enable_icc': 'false' } : {},
    Containers: Object.fromEntries(containers.filter((c) => c.nets.includes(n)).map((c) => [c.Id, { Name: c.Name.slice(1) }])),
  }));
  return { networks, containers };
}

function run(args: string[]): Promise<{ ms: number; code: number | null; out: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...moatCli(args[0] ?? ''), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = 0;
    child.stdout.on('data', (c: Buffer) => (out += c.length));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, out }));
  });
}

/** Serves the snapshot on a unix socket, as the engine would; returns the socket and a stop function. */
export async function startSnapshotEngine(): Promise<{ sock: string; stop: () => void }> {
  const snap = networkSnapshot();
  const [version, info] = await Promise.all([realEngine('/version'), realEngine('/info')]);
  const byPath = new Map<string, unknown>([
    ['/networks', snap.networks.map(({ Containers: _members, ...n }) => n)],
    ['/containers/json', snap.containers.map((c) => ({ Id: c.Id, Names: [c.Name], State: 'running' }))],
    ['/version', version],
    ['/info', info],
    ...snap.containers.map(({ nets: _nets, ...c }) => [`/containers/${c.Id}/json`, c] as [string, unknown]),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'moat-netbench-'));
  const sock = join(dir, 'engine.sock');
  const server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').replace(/\?.*$/, '');
    if (path === '/_ping') return void res.writeHead(200, { 'api-version': '1.41' }).end('OK');
    const body = byPath.get(path);
    if (body === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not in the snapshot"}');
    res.writeHead(200, { 'content-type': 'application/json', 'api-version': '1.41' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(sock, r));
  return { sock, stop: () => { server.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** The command's path after the engine answered: the answers parsed and validated, the door, the picture, the view (rules included), one format. */
async function inProcess(format: 'dot' | 'html' | 'json'): Promise<number> {
  const snap = networkSnapshot();
  const texts = { networks: JSON.stringify(snap.networks.map(({ Containers: _m, ...n }) => n)), containers: snap.containers.map(({ nets: _n, ...c }) => JSON.stringify(c)) };
  const t0 = performance.now();
  const networks = (JSON.parse(texts.networks) as unknown[]).map((n) => networkFromInspect(parseEngine(NetworkInspectSchema, n, 'GET /networks')));
  const members = texts.containers.map((t) => {
    const inspect = parseEngine(ContainerInspectSchema, JSON.parse(t), 'inspect');
    return { spec: containerFromInspect(inspect), exposed: exposedOf(inspect) };
  });
  const view = buildNetworkView(engineNetworkPicture('snapshot', networks, members, undefined));
  await renderNetwork(view, format);
  return performance.now() - t0;
}

export async function benchNetwork(): Promise<void> {
  for (const format of ['dot', 'html', 'json'] as const) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await inProcess(format));
    console.log(`network ${CONTAINERS} containers / ${NETWORKS} networks, in process from the snapshot's JSON --format ${format}: median ${median(times).toFixed(0)} ms, first ${times[0]?.toFixed(0)} ms${median(times) <= 1000 ? '' : '  OVER the 1 s target'}`);
  }
  const { sock, stop } = await startSnapshotEngine();
  try {
    for (const format of ['dot', 'html', 'json'] as const) {
      const times: number[] = [];
      let out = 0;
      for (let i = 0; i < RUNS; i++) {
        const r = await run(['network', '-H', `unix://${sock}`, '--format', format]);
        if (r.code !== 0) throw new Error(`moat network --format ${format} exited ${r.code}`);
        times.push(r.ms);
        out = r.out;
      }
      console.log(`network ${CONTAINERS} containers / ${NETWORKS} networks --format ${format}: median ${median(times).toFixed(0)} ms wall (process start included; ${RUNS} runs, ${(out / 1024).toFixed(0)} KiB out)${median(times) <= 1000 ? '' : '  OVER the 1 s target'}`);
    }
  } finally {
    stop();
  }
}
