/** `moat network COMPOSE-FILE`: the picture before the project runs, through the CLI as a user runs it. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { runMoat } from './support/moat-cli.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'moat-netcli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, 'compose.yaml'), `name: shop
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    networks: [front, back]
  db:
    image: postgres:16
    ports: ["5432:5432"]
    networks: [back]
  admin:
    image: portainer/portainer-ce:2
    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
    ports: ["127.0.0.1:9000:9000"]
    networks: [back]
networks:
  front: {}
  back: {}
`);

test('compose file: exposed path web → shop_back → admin (engine socket), the database port, located in the file', async () => {
  const r = await runMoat(['network', 'compose.yaml', '--format', 'json', '--fail-on', 'critical'], { cwd: dir });
  assert.equal(r.code, 1, 'a critical finding fails --fail-on critical');
  const view = JSON.parse(r.stdout) as { source: string; findings: Array<{ ruleId: string; subject: { name: string }; message: string; location?: { file?: string; line?: number } }>; containers: Array<{ name: string; reachableFromOutside: boolean }> };
  assert.equal(view.source, 'compose');
  const path = view.findings.find((f) => f.ruleId === 'container-exposed-path');
  assert.equal(path?.subject.name, 'web');
  assert.match(path?.message ?? '', /\*:8080->80\/tcp → web → network shop_back \(ICC on\) → admin, which holds the engine socket/);
  assert.equal(path?.location?.line, 5);
  assert.ok(view.findings.some((f) => f.ruleId === 'container-admin-port-exposed' && f.subject.name === 'db'));
  assert.equal(view.containers.find((c) => c.name === 'admin')?.reachableFromOutside, false, 'loopback only');
});

test('compose file: DOT renders with Graphviz; bad input is a one-line usage error', async () => {
  const r = await runMoat(['network', 'compose.yaml', '--format', 'dot'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  writeFileSync(join(dir, 'g.dot'), r.stdout);
  const { stdout } = await run('dot', ['-Tsvg', join(dir, 'g.dot')]);
  assert.match(stdout, /<svg/);
  const missing = await runMoat(['network', 'nope.yaml'], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'moat: nope.yaml: no such file\n');
  const fmt = await runMoat(['network', 'compose.yaml', '--format', 'png'], { cwd: dir });
  assert.equal(fmt.code, 2);
  assert.match(fmt.stderr, /^moat: unknown --format "png": use one of table, json, dot, mermaid, html\n$/);
});

test('lint applies the network rules to a compose file that declares its networks', async () => {
  const r = await runMoat(['lint', 'compose.yaml', '--format', 'json', '--fail-on', 'none'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; subject: { name?: string }; location?: { file?: string; line?: number } }> };
  const path = report.findings.find((f) => f.ruleId === 'container-exposed-path');
  assert.equal(path?.subject.name, 'web');
  assert.equal(path?.location?.line, 5);
  assert.ok(report.findings.some((f) => f.ruleId === 'container-admin-port-exposed' && f.subject.name === 'db'));
});
