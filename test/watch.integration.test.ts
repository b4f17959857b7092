/**
 * `watch()` against the real engine: containers started with risky settings, docker exec
 * (and health checks, which are not alerts), files written into containers, an OOM kill,
 * a restart loop, and limits nearly reached. Every alert is checked against
 * docs/alert.schema.json.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audit } from '../src/features/audit/audit.ts';
import { parseConfig } from '../src/doors/config/load.ts';
import { allRules } from '../src/knowledge/rules/index.ts';
import type { DriftDetails, ExecDetails, ResourceDetails, RestartLoopDetails } from '../src/features/watch/alert.ts';
import { watch, type Watch } from '../src/features/watch/watcher.ts';
import { validateAlert } from '../src/features/watch/test-support/alert-schema.ts';
import { docker, HARDENED_FLAGS, TestContainers } from './support/engine.ts';
import { ensureWatchImage, WATCH_IMAGE } from './support/watch-image.ts';
import { Collected } from './support/watch-collector.ts';

const containers = new TestContainers('watch');
const files = mkdtempSync(join(tmpdir(), 'moat-watch-files-'));
const execCounts = new Map<string, number>();
let w: Watch;
let got: Collected;
const img = { image: WATCH_IMAGE };
const name = (n: string): string => `${containers.prefix}-${n}`;

before(async () => {
  await ensureWatchImage();
  // A moat.yaml whose watch ignore accepts one kind of exec in one kind of container.
  const config = parseConfig('watch:\n  ignore:\n    - kind: exec\n      container: "moat-test-watch-*-quiet"\n      match: "/tool exit 0 backup*"\n      reason: the nightly backup\n', join(files, 'moat.yaml'), allRules);
  w = await watch({
    rules: allRules,
    config,
    driftIntervalMs: 1000,
    statsIntervalMs: 1000,
    restartLoop: { restarts: 3, windowMs: 60_000 },
    observer: {
      event: (e) => {
        if (e.action.startsWith('exec_start')) execCounts.set(e.attributes.name ?? '', (execCounts.get(e.attributes.name ?? '') ?? 0) + 1);
      },
    },
  });
  got = new Collected(w);
});

after(async () => {
  await w?.stop();
  await containers.cleanup();
  rmSync(files, { recursive: true, force: true });
});

test('a container started with a risky configuration: one finding alert per finding, with the rule ids audit gives', async () => {
  await containers.make('risky', [...HARDENED_FLAGS, '--pid', 'host', '--security-opt', 'seccomp=unconfined'], img);
  const first = await got.waitFor('container-host-pid', (a) => a.container?.name === name('risky') && a.finding?.ruleId === 'container-host-pid');
  await got.waitFor('container-seccomp-unconfined', (a) => a.container?.name === name('risky') && a.finding?.ruleId === 'container-seccomp-unconfined');
  assert.equal(first.kind, 'finding');
  assert.equal(first.finding?.location?.path, 'HostConfig.PidMode');
  assert.ok(first.eventTime && first.eventTime <= first.time);
  const report = await audit({ containers: [name('risky')], rules: allRules.filter((r) => r.meta.target === 'container') });
  // The default threshold is low: every finding but info ones is an alert, once.
  const audited = report.findings.filter((f) => f.severity !== 'info').map((f) => f.ruleId).sort();
  const alerted = got.of(name('risky')).filter((a) => a.kind === 'finding').map((a) => a.finding?.ruleId).sort();
  assert.deepEqual(alerted, audited);
});

test('docker exec: command, user and privileged flag from /exec/{id}/json, secrets masked; a hardened container has no finding alerts', async () => {
  // Hardened includes a health check (CIS 5.27); an hour's interval keeps its probes out of this test.
  const c = await containers.make('exec', [...HARDENED_FLAGS, '--health-cmd', '/tool exit 0', '--health-interval', '1h'], img);
  await docker('exec', '-u', '0', c, '/tool', 'exit', '0', '--password', 'hunter2hunter2');
  await docker('exec', '--privileged', c, '/tool', 'exit', '0').catch(() => undefined); // cannot start on this VM; the engine still records it
  const root = await got.waitFor('exec as root', (a) => a.kind === 'exec' && a.container?.name === c && (a.details as ExecDetails).user === '0');
  const d = root.details as ExecDetails;
  assert.deepEqual(d.command.slice(0, 4), ['/tool', 'exit', '0', '--password']);
  assert.ok(!JSON.stringify(root).includes('hunter2hunter2'), 'the password is masked');
  assert.equal(d.privileged, false);
  assert.equal(root.severity, 'high');
  const priv = await got.waitFor('privileged exec', (a) => a.kind === 'exec' && a.container?.name === c && (a.details as ExecDetails).privileged === true);
  assert.match(priv.message, /privileged/);
  assert.deepEqual(got.of(c).filter((a) => a.kind === 'finding'), [], 'its start was judged (before its execs) and nothing flagged');
});

test('health-check execs are not alerts; an exec by hand into the same container is', async () => {
  const c = await containers.make('health', [...HARDENED_FLAGS, '--health-cmd', '/tool exit 0', '--health-interval', '1s'], img);
  const until = Date.now() + 15_000;
  while ((execCounts.get(c) ?? 0) < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  assert.ok((execCounts.get(c) ?? 0) >= 2, 'the engine ran its health check at least twice');
  await docker('exec', c, '/tool', 'exit', '0');
  await got.waitFor('the exec by hand', (a) => a.kind === 'exec' && a.container?.name === c);
  assert.equal(got.of(c).filter((a) => a.kind === 'exec').length, 1);
});

test('a watch ignore in moat.yaml accepts the execs it names, in the containers it names, and no others', async () => {
  const c = await containers.make('quiet', HARDENED_FLAGS, img);
  await docker('exec', c, '/tool', 'exit', '0', 'backup', '--all');
  await docker('exec', c, '/tool', 'exit', '0', 'other');
  await got.waitFor('the exec not ignored', (a) => a.kind === 'exec' && a.container?.name === c);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(got.of(c).filter((a) => a.kind === 'exec').map((a) => (a.details as ExecDetails).command.slice(3)), [['other']]);
});

test('drift: a new executable and a changed system file are alerts; a data file is not', async () => {
  const c = await containers.make('drift', ['--network', 'none', '--user', '10001', '--memory', '64m', '--pids-limit', '50'], img);
  mkdirSync(join(files, 'data'));
  writeFileSync(join(files, 'data', 'report.txt'), 'data');
  const script = '#!/bin/sh\necho owned\n';
  writeFileSync(join(files, 'evil'), script);
  chmodSync(join(files, 'evil'), 0o755);
  writeFileSync(join(files, 'resolv.override'), 'nameserver 10.0.0.1\n');
  await docker('cp', join(files, 'data'), `${c}:/data`);
  await docker('cp', join(files, 'evil'), `${c}:/etc/evil`);
  await docker('cp', join(files, 'resolv.override'), `${c}:/etc/resolv.override`);
  const exe = await got.waitFor('executable drift', (a) => a.kind === 'drift' && a.container?.name === c && (a.details as DriftDetails).path === '/etc/evil');
  assert.deepEqual(exe.details, { path: '/etc/evil', change: 'added', reason: 'executable', mode: '0755', size: Buffer.byteLength(script) });
  assert.equal(exe.severity, 'high');
  const conf = await got.waitFor('system file drift', (a) => a.kind === 'drift' && a.container?.name === c && (a.details as DriftDetails).path === '/etc/resolv.override');
  assert.equal((conf.details as DriftDetails).reason, 'system-path');
  // Two more polls: drift already reported is not repeated, and /data is never drift.
  await new Promise((r) => setTimeout(r, 2200));
  const drift = got.of(c).filter((a) => a.kind === 'drift').map((a) => (a.details as DriftDetails).path).sort();
  assert.deepEqual(drift, ['/etc/evil', '/etc/resolv.override']);
});

test('an OOM kill', async () => {
  const c = await containers.make('oom', ['--network', 'none', '--memory', '16m', '--memory-swap', '16m'], { ...img, cmd: ['/tool', 'eat'] });
  const a = await got.waitFor('oom', (x) => x.kind === 'oom' && x.container?.name === c);
  assert.match(a.message, /16 MiB/);
});

test('a restart loop: --restart always with a command that exits 1', async () => {
  const c = await containers.make('loop', ['--network', 'none', '--restart', 'always'], { ...img, cmd: ['/tool', 'exit', '1'] });
  const a = await got.waitFor('restart loop', (x) => x.kind === 'restart-loop' && x.container?.name === c);
  assert.deepEqual(a.details as RestartLoopDetails, { restarts: 3, windowSeconds: 60, lastExitCode: 1 });
  await docker('update', '--restart', 'no', c);
});

test('memory and PIDs close to their limits (from stats)', async () => {
  const pids = await containers.make('pids', ['--network', 'none', '--pids-limit', '10'], { ...img, cmd: ['/tool', 'spawn', '9'] });
  const mem = await containers.make('mem', ['--network', 'none', '--memory', '32m', '--memory-swap', '64m'], { ...img, cmd: ['/tool', 'hold', '31'] });
  const p = (await got.waitFor('pids near limit', (x) => x.kind === 'resource' && x.container?.name === pids)).details as ResourceDetails;
  assert.deepEqual(p, { resource: 'pids', usage: 10, limit: 10, percent: 100 });
  const m = (await got.waitFor('memory near limit', (x) => x.kind === 'resource' && x.container?.name === mem)).details as ResourceDetails;
  assert.equal(m.resource, 'memory');
  assert.equal(m.limit, 32 * 1024 * 1024);
  assert.ok(m.percent >= 90, String(m.percent));
});

test('every alert raised is valid against docs/alert.schema.json', () => {
  assert.ok(got.alerts.length > 0);
  for (const a of got.alerts) assert.ok(validateAlert(a), `${JSON.stringify(a)}: ${JSON.stringify(validateAlert.errors)}`);
});
