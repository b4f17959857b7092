/**
 * `moat network` on the real engine with real networks: an internal network, a user bridge
 * with ICC on and one with ICC off through its options, the host network, ports on loopback,
 * on all interfaces (a created container: nothing binds) and on the default bridge's gateway
 * address (non-loopback, so reachable by Moat's reading, yet only the host and its containers
 * can connect). No traffic is sent: the picture is read from configuration.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { HARDENED_FLAGS, TestContainers, docker, ensureTestImages } from './support/engine.ts';
import { runMoat } from './support/moat-cli.ts';

const run = promisify(execFile);
const tc = new TestContainers('net');
const net = (n: string): string => `${tc.prefix}-${n}`;
const NETS = { app: net('app'), iso: net('iso'), int: net('int') };
const on = (network: string, ...extra: string[]): string[] => [...HARDENED_FLAGS.map((f, i, a) => (a[i - 1] === '--network' ? network : f)), ...extra];
const dir = mkdtempSync(join(tmpdir(), 'moat-net-'));
let gateway = '';
let view: {
  schemaVersion: string;
  networks: Array<{ name: string; driver: string; internal: boolean; icc: boolean; containers: string[] }>;
  containers: Array<{ name: string; networks: string[]; published: Array<{ hostIp: string; hostPort: number | null; containerPort: number; protocol: string; scope: string }>; reachableFromOutside: boolean; reaches: string[]; givesHost?: string }>;
  findings: Array<{ ruleId: string; severity: string; message: string; subject: { name?: string }; evidence?: string }>;
};

before(async () => {
  await ensureTestImages();
  gateway = await docker('network', 'inspect', 'bridge', '-f', '{{(index .IPAM.Config 0).Gateway}}');
  await docker('network', 'create', '--label', 'dev.moat.test=1', NETS.app);
  await docker('network', 'create', '--label', 'dev.moat.test=1', '-o', 'com.docker.network.bridge.enable_icc=false', NETS.iso);
  await docker('network', 'create', '--label', 'dev.moat.test=1', '--internal', NETS.int);
  await tc.make('web', on(NETS.app, '-p', `${gateway}::8080`));
  await tc.make('admin', on(NETS.app, '-v', '/var/run/docker.sock:/var/run/docker.sock'));
  await tc.make('isoweb', on(NETS.iso, '-p', `${gateway}::8080`));
  await tc.make('isoadmin', on(NETS.iso, '-v', '/var/run/docker.sock:/var/run/docker.sock'));
  await tc.make('lo', on(NETS.int, '-p', '127.0.0.1::8080'));
  await tc.make('db', on(NETS.app, '-p', '5432'), { start: false });
  await tc.make('hostnet', on('host', '--expose', '9999'));
  await tc.make('rootweb', on(NETS.iso, '--user', '0:0', '-p', `${gateway}::8080`));
  const r = await runMoat(['network', '--all', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  view = JSON.parse(r.stdout);
});

after(async () => {
  await tc.cleanup();
  await docker('network', 'rm', ...Object.values(NETS)).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const container = (n: string) => {
  const c = view.containers.find((x) => x.name === `${tc.prefix}-${n}`);
  assert.ok(c, `container ${n} is in the picture`);
  return c;
};
const findings = (rule: string, n: string) => view.findings.filter((f) => f.ruleId === rule && f.subject.name === `${tc.prefix}-${n}`);

test('the JSON has the issue\'s shape: networks, containers with published ports, findings, schemaVersion', () => {
  assert.match(view.schemaVersion, /^\d+\.\d+\.\d+$/);
  for (const n of view.networks) {
    assert.deepEqual(['containers', 'driver', 'icc', 'internal', 'name'].filter((k) => !(k in n)), []);
    assert.ok(Array.isArray(n.containers));
  }
  for (const c of view.containers) {
    assert.ok(typeof c.name === 'string' && Array.isArray(c.networks) && Array.isArray(c.published));
    for (const p of c.published) assert.deepEqual(Object.keys(p).slice(0, 4), ['hostIp', 'hostPort', 'containerPort', 'protocol']);
  }
  for (const f of view.findings) assert.ok(f.ruleId && f.severity && f.message && f.subject);
});

test('networks: internal, ICC off through its options, ICC on, the host network with its member', () => {
  const byName = new Map(view.networks.map((n) => [n.name, n]));
  assert.equal(byName.get(NETS.int)?.internal, true);
  assert.equal(byName.get(NETS.iso)?.icc, false);
  assert.equal(byName.get(NETS.app)?.icc, true);
  assert.equal(byName.get(NETS.app)?.internal, false);
  assert.ok(byName.get(NETS.app)?.containers.includes(`${tc.prefix}-web`));
  assert.equal(byName.get('host')?.driver, 'host');
  assert.ok(byName.get('host')?.containers.includes(`${tc.prefix}-hostnet`));
});

test('ports: loopback is not reachable from outside, all interfaces and a host address are', () => {
  const lo = container('lo');
  assert.equal(lo.published[0]?.scope, 'loopback');
  assert.equal(lo.reachableFromOutside, false);
  assert.equal(container('db').published[0]?.scope, 'all-interfaces');
  assert.equal(container('db').reachableFromOutside, false, 'a created container listens nowhere');
  const web = container('web');
  assert.equal(web.published[0]?.hostIp, gateway);
  assert.equal(web.reachableFromOutside, true);
  assert.ok(web.reaches.includes(`${tc.prefix}-admin`));
  assert.deepEqual(container('isoweb').reaches, [], 'ICC off: it reaches no one');
});

test('exposed path: critical, naming port → container → network → container → what gives the host', () => {
  const [f, ...more] = findings('container-exposed-path', 'web');
  assert.ok(f, 'web has an exposed path');
  assert.equal(more.length, 0);
  assert.equal(f.severity, 'critical');
  const hops = [`${gateway}:`, `->8080/tcp`, `${tc.prefix}-web`, `network ${NETS.app} (ICC on)`, `${tc.prefix}-admin`, 'holds the engine socket (/var/run/docker.sock', 'the host'];
  let at = -1;
  for (const h of hops) {
    const i = f.message.indexOf(h, at + 1);
    assert.ok(i > at, `hop "${h}" in order in: ${f.message}`);
    at = i;
  }
  assert.equal(findings('container-exposed-path', 'isoweb').length, 0, 'ICC off breaks the path');
});

test('a database port on all interfaces and a host-network listener are findings', () => {
  assert.equal(findings('container-admin-port-exposed', 'db')[0]?.severity, 'high');
  assert.match(findings('container-host-network-listening', 'hostnet')[0]?.message ?? '', /host:9999\/tcp/);
});

test('the DOT output is valid Graphviz (rendered by dot), the Mermaid output is well formed, the HTML embeds the SVG', async () => {
  const dot = await runMoat(['network', '--all', '--format', 'dot'], { cwd: dir });
  assert.equal(dot.code, 0, dot.stderr);
  const file = join(dir, 'net.dot');
  writeFileSync(file, dot.stdout);
  const { stdout: svg } = await run('dot', ['-Tsvg', file]);
  assert.match(svg, /<svg/);
  assert.ok(svg.replace(/&#45;/g, "-").includes(`${tc.prefix}-web`), "the web container is drawn");

  const mm = await runMoat(['network', '--all', '--format', 'mermaid'], { cwd: dir });
  assert.equal(mm.code, 0, mm.stderr);
  const lines = mm.stdout.trim().split('\n');
  assert.equal(lines[0], 'flowchart LR');
  const declared = new Set(lines.flatMap((l) => /^ {2}(\w+)[[(]/.exec(l)?.[1] ?? []));
  const edges = lines.filter((l) => /(-->|---|==>)/.test(l));
  assert.ok(edges.length > 0);
  for (const e of edges) {
    const m = /^ {2}(\w+) (?:-->|---|==>)(?:\|"[^"]*"\|)? (\w+)$/.exec(e);
    assert.ok(m, `edge well formed: ${e}`);
    assert.ok(declared.has(m[1]!) && declared.has(m[2]!), `edge ends declared: ${e}`);
  }

  const html = await runMoat(['network', '--all', '--format', 'html'], { cwd: dir });
  assert.equal(html.code, 0, html.stderr);
  assert.match(html.stdout, /<figure id="picture"><svg/);
  assert.doesNotMatch(html.stdout, /<script|src="http|href="http/);
});

test('audit applies the network rules and raises the findings of exposed containers one severity', async () => {
  const r = await runMoat(['audit', '--format', 'json', '--fail-on', 'none', '-c', `${tc.prefix}-web`, '-c', `${tc.prefix}-admin`, '-c', `${tc.prefix}-rootweb`, '-c', `${tc.prefix}-lo`], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { findings: typeof view.findings };
  const of = (rule: string, n: string) => report.findings.filter((f) => f.ruleId === rule && f.subject.name === `${tc.prefix}-${n}`);
  assert.equal(of('container-exposed-path', 'web')[0]?.severity, 'critical');
  const root = of('container-root-user', 'rootweb')[0];
  assert.equal(root?.severity, 'high', 'medium raised to high: published on a non-loopback address');
  assert.match(root?.message ?? '', /raised from medium: the container is reachable from outside the host/);
  assert.ok(report.findings.filter((f) => f.subject.name === `${tc.prefix}-lo`).every((f) => !f.message.includes('raised from')), 'loopback only: nothing raised');
});
