/**
 * The start check against a real dockerd (a second daemon of the test's own,
 * test/support/second-daemon.ts) through the real `docker` CLI: at start, exec start and
 * plugin enable the plugin asks that daemon what will run and judges its answer. Each class
 * of issue 11 this closes is tried (1: a plugin whose config mounts / read-write, 6: a build
 * query Go reads differently, 8: an image whose USER is root), with a container let through
 * the request check by an exception, concurrent starts, and a daemon that stops answering.
 *
 * The plugin server judges through `current`, which a test may point at another Enforcer for
 * a step: one with no daemon to ask stands for a request check that missed something (the
 * start check must then catch it), one with a permissive policy for a container that already
 * runs from before.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/doors/config/load.ts';
import { fileSink, type DecisionLine, type DecisionSink } from '../src/features/enforce/decision-log.ts';
import { EngineDaemonView } from '../src/features/enforce/daemon-view.ts';
import { Enforcer } from '../src/features/enforce/enforcer.ts';
import type { AuthzRequest } from '../src/doors/authz-request/protocol.ts';
import { startPluginServer, type PluginServer } from '../src/features/enforce/server.ts';
import { allRules } from '../src/knowledge/rules/index.ts';
import { ensureTestImages, IMAGES, sleeperBinary } from './support/engine.ts';
import { rawRequest } from './support/raw-http.ts';
import { loadImage, startSecondDaemon, type SecondDaemon } from './support/second-daemon.ts';
import { file, makeTar } from './support/tar.ts';

const PLUGIN = `moat-start-${process.pid}`;
const IMAGE = IMAGES.hardened;
/** Has /bin/sh (a static `true`): RUN steps of a classic build run in it. */
const SHELL_IMAGE = IMAGES.risky;
const SAFE = ['--network', 'none', '--memory', '64m', '--pids-limit', '50', '--read-only', '--cap-drop', 'ALL'];
const TIMEOUT_MS = 1000;
/** Judgement slots: as many as the concurrent-start test starts containers (src/features/enforce/server.test.ts shows one slot is enough). */
const MAX_IN_FLIGHT = 8;

const POLICY = `enforce:
  deny: ["severity >= high"]
  exceptions:
    - label: moat.test.allow=socket
      rules: [container-docker-socket, container-breakout-path]
      reason: the test's agent reads the engine by design
  plugins:
    allow:
      - name: "${PLUGIN}-*"
        reason: the test's own plugins
`;

let dir: string;
let daemon: SecondDaemon;
let server: PluginServer;
let log: DecisionSink;
let logFile: string;
let view: EngineDaemonView;
let full: Enforcer;
let current: Pick<Enforcer, 'judge' | 'light'>;

const policyOf = (yaml: string) => parseConfig(yaml, join(dir, 'moat.yaml'), allRules);

before(async () => {
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'moat-enforce-start-'));
  logFile = join(dir, 'decisions.jsonl');
  log = fileSink(logFile);
  const socketPath = join(dir, 'plugin.sock');
  daemon = await startSecondDaemon({
    plugins: [PLUGIN],
    prepare: async ({ pluginSockets, dir: daemonDir }) => {
      // The daemon's socket is known before it starts; the plugin asks it nothing until a start is judged.
      view = new EngineDaemonView({ kind: 'unix', socketPath: join(daemonDir, 'docker.sock'), display: 'the second dockerd' }, 800);
      full = new Enforcer({ config: policyOf(POLICY), daemon: view, daemonTimeoutMs: 800 });
      current = full;
      server = await startPluginServer({ socketPath, enforcer: { judge: (r: AuthzRequest) => current.judge(r), light: (r) => current.light(r) }, log, timeoutMs: TIMEOUT_MS, maxInFlight: MAX_IN_FLIGHT });
      symlinkSync(socketPath, join(pluginSockets, `${PLUGIN}.sock`));
    },
  });
  await loadImage(daemon, IMAGE);
  await loadImage(daemon, SHELL_IMAGE);
});

after(async () => {
  await daemon?.stop();
  await server?.close();
  view?.close();
  await log?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
const nameOf = (what: string): string => `moat-start-${process.pid}-${what}-${seq++}`;
const denial = (rule: string) => new RegExp(`authorization denied by plugin ${PLUGIN}: moat: denied: .*${rule}`);

async function decisions(): Promise<DecisionLine[]> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DecisionLine);
}

/** Runs `step` with the plugin judging through `enforcer`, then the full one again. */
async function judgedBy<T>(enforcer: Pick<Enforcer, 'judge' | 'light'>, step: () => Promise<T>): Promise<T> {
  current = enforcer;
  try {
    return await step();
  } finally {
    current = full;
  }
}

describe('the start check judges what the daemon will run', () => {
  test('allowed containers start, exec and restart as before; the start is judged from the daemon and logged', async () => {
    const name = nameOf('ok');
    await daemon.docker('run', '-d', '--name', name, ...SAFE, IMAGE);
    await daemon.docker('exec', '-d', name, '/sleeper');
    await daemon.docker('restart', '-t', '0', name);
    assert.equal(await daemon.docker('inspect', '-f', '{{.State.Running}}', name), 'true');
    await daemon.docker('rm', '-f', name);
    const starts = (await decisions()).filter((l) => ['container-start', 'exec-start', 'container-restart'].includes(l.endpoint) && l.subject?.name === name);
    assert.deepEqual(starts.map((l) => `${l.endpoint}:${l.decision}`), ['container-start:allow', 'exec-start:allow', 'container-restart:allow']);
    for (const l of starts) assert.ok(l.notes?.some((n) => n.startsWith("judged the daemon's view")), JSON.stringify(l));
  });

  test('must hold: a container let through the request check by an exception lends its socket to one that borrows it: that start is refused', async () => {
    const agent = nameOf('agent');
    const borrower = nameOf('borrower');
    // The exception covers the agent at create and, the same subject, at start.
    await daemon.docker('create', '--name', agent, '--label', 'moat.test.allow=socket', '-v', '/var/run/docker.sock:/var/run/docker.sock', ...SAFE, IMAGE);
    await daemon.docker('start', agent);
    // --volumes-from names a container: the request shows no mount, so the request check lets it through ...
    const created = await daemon.dockerResult('create', '--name', borrower, '--volumes-from', agent, ...SAFE, IMAGE);
    assert.equal(created.code, 0, created.stderr);
    // ... and the start check sees the socket the daemon will mount, which no exception covers for this container.
    const started = await daemon.dockerResult('start', borrower);
    assert.notEqual(started.code, 0);
    assert.match(started.stderr, denial('container-docker-socket \\(critical\\): /var/run/docker.sock is mounted'));
    assert.equal(await daemon.docker('inspect', '-f', '{{.State.Running}}', borrower), 'false');
    // So is an exec into it, and a restart.
    assert.match((await daemon.dockerResult('restart', borrower)).stderr, denial('container-docker-socket'));
    await daemon.docker('rm', '-f', agent, borrower);
    const line = (await decisions()).find((l) => l.endpoint === 'container-start' && l.subject?.name === borrower);
    assert.equal(line?.decision, 'deny');
    assert.ok(line?.findings?.some((f) => f.rule === 'container-docker-socket' && f.at?.startsWith('Mounts[')), JSON.stringify(line?.findings));
  });

  test('a container that runs from before (another policy) cannot be exec-ed into: exec start judges the container', async () => {
    const name = nameOf('before');
    const permissive = new Enforcer({ config: policyOf('enforce:\n  deny: []\n'), daemon: view });
    await judgedBy(permissive, () => daemon.docker('run', '-d', '--name', name, ...SAFE, '-v', '/etc:/host-etc', IMAGE));
    // The exec itself adds nothing (it passes the request check); what it enters is what is judged at its start.
    // Attached, the CLI shows only the refused upgrade; detached, it shows the plugin's message.
    const attached = await daemon.dockerResult('exec', name, '/sleeper', '0');
    assert.notEqual(attached.code, 0);
    assert.match(attached.stderr, /403/);
    const r = await daemon.dockerResult('exec', '-d', name, '/sleeper', '0');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, denial('container-sensitive-mounts'));
    const line = (await decisions()).findLast((l) => l.endpoint === 'exec-start');
    assert.equal(line?.decision, 'deny');
    await daemon.docker('rm', '-f', name);
  });

  test('what a container borrows is judged at start: a volume whose options bind a host path or mount the host disk, a host PID namespace through container:X', async () => {
    const permissive = new Enforcer({ config: policyOf('enforce:\n  deny: []\n'), daemon: view });
    const vol = nameOf('vol');
    const diskVol = nameOf('diskvol');
    const hostPid = nameOf('hostpid');
    // Made while the plugin was permissive (or absent): a volume that is a bind of /var/run, a container in the host's PID namespace.
    await judgedBy(permissive, async () => {
      await daemon.docker('volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/var/run', vol);
      await daemon.docker('volume', 'create', '--opt', 'type=ext4', '--opt', 'device=/dev/vda', diskVol);
      await daemon.docker('run', '-d', '--name', hostPid, '--pid', 'host', ...SAFE, IMAGE);
    });
    // The requests name only the volume and the container: the request check lets both through.
    const usesVolume = nameOf('usesvol');
    const joinsPid = nameOf('joinspid');
    assert.equal((await daemon.dockerResult('create', '--name', usesVolume, '-v', `${vol}:/run-on-host`, ...SAFE, IMAGE)).code, 0);
    assert.equal((await daemon.dockerResult('create', '--name', joinsPid, '--pid', `container:${hostPid}`, ...SAFE, IMAGE)).code, 0);
    const usesDisk = nameOf('usesdisk');
    assert.equal((await daemon.dockerResult('create', '--name', usesDisk, '-v', `${diskVol}:/disk`, ...SAFE, IMAGE)).code, 0);
    const a = await daemon.dockerResult('start', usesVolume);
    assert.match(a.stderr, denial('container-docker-socket \\(critical\\): /var/run is mounted'));
    const disk = await daemon.dockerResult('start', usesDisk);
    assert.match(disk.stderr, denial('container-local-volume'));
    const b = await daemon.dockerResult('start', joinsPid);
    assert.match(b.stderr, denial('container-host-pid'));
    const lines = (await decisions()).filter((l) => l.endpoint === 'container-start' && [usesVolume, joinsPid].includes(l.subject?.name ?? ''));
    assert.ok(lines.some((l) => l.notes?.some((n) => n.includes(`volume ${vol} (driver local) has options`) && n.includes('device=/var/run'))), JSON.stringify(lines));
    // The daemon records the joined container by ID.
    const hostPidId = await daemon.docker('inspect', '-f', '{{.Id}}', hostPid);
    assert.ok(lines.some((l) => l.notes?.some((n) => n.includes(`pid namespace container:${hostPidId} is the host's`))), JSON.stringify(lines));
    await daemon.docker('rm', '-f', usesVolume, usesDisk, joinsPid, hostPid);
    await daemon.docker('volume', 'rm', vol, diskVol);
  });

  test('class 8: an image whose USER is root (docker commit --change "USER root") with a host disk: refused at create, and at start if create missed it', async () => {
    const base = nameOf('commit');
    const rootImage = `moat-start-${process.pid}/root-user:1`;
    await daemon.docker('create', '--name', base, ...SAFE, IMAGE);
    await daemon.docker('commit', '--change', 'USER root', base, rootImage);
    await daemon.docker('rm', base);
    // A policy under which the disk alone (high) is only logged: what denies is the root user with it (breakout, critical).
    const critical = 'enforce:\n  deny: ["severity >= critical"]\n';
    const withUser = new Enforcer({ config: policyOf(critical), daemon: view });
    const requestOnly = new Enforcer({ config: policyOf(critical) });
    const device = ['--device', '/dev/vda:/dev/xvda'];
    // The non-root image with the same disk is allowed: the user decides.
    const nonRoot = nameOf('nonroot');
    assert.equal((await judgedBy(withUser, () => daemon.dockerResult('create', '--name', nonRoot, ...SAFE, ...device, IMAGE))).code, 0);
    // At create the plugin reads the image's USER from the daemon.
    const atCreate = await judgedBy(withUser, () => daemon.dockerResult('create', '--name', nameOf('root'), ...SAFE, ...device, rootImage));
    assert.match(atCreate.stderr, denial('container-breakout-path \\(critical\\): .*runs as root \\(root \\(image USER\\)\\)'));
    // A request check that does not know the user lets it through; the start check reads the merged Config.User.
    const missed = nameOf('missed');
    assert.equal((await judgedBy(requestOnly, () => daemon.dockerResult('create', '--name', missed, ...SAFE, ...device, rootImage))).code, 0);
    const start = await judgedBy(withUser, () => daemon.dockerResult('start', missed));
    assert.match(start.stderr, denial('container-breakout-path \\(critical\\): .*runs as root \\(root\\)'));
    assert.match(start.stderr, /Config\.User/);
    await daemon.docker('rm', '-f', nonRoot, missed);
    await daemon.docker('rmi', rootImage);
  });

  test('concurrent starts do not deadlock: the start checks\' own reads pass the plugin without a judgement slot', async () => {
    const names = Array.from({ length: MAX_IN_FLIGHT }, () => nameOf('many'));
    for (const n of names) await daemon.docker('create', '--name', n, ...SAFE, IMAGE);
    const t0 = performance.now();
    // Straight to the API, all at once (CLI processes would start one by one on a busy machine).
    const results = await Promise.all(names.map((n) => rawRequest(daemon.socket, 'POST', `/v1.41/containers/${n}/start`, { headers: { 'Content-Length': '0' } })));
    const ms = performance.now() - t0;
    assert.deepEqual(results.map((r) => r.status), names.map(() => 204), results.map((r) => r.body).join('\n'));
    for (const n of names) assert.equal(await daemon.docker('inspect', '-f', '{{.State.Running}}', n), 'true');
    assert.ok(ms < 30_000, `${MAX_IN_FLIGHT} concurrent starts took ${ms} ms`);
    assert.equal(server.stats.overloads, 0);
    await daemon.docker('rm', '-f', ...names);
  });

  test('a daemon that does not answer the start check: the start is denied within the timeout (fail closed)', async () => {
    const silentSocket = join(dir, 'silent.sock');
    const held: Socket[] = [];
    const silent: Server = createServer((s) => held.push(s));
    await new Promise<void>((resolve) => silent.listen(silentSocket, resolve));
    const deaf = new EngineDaemonView({ kind: 'unix', socketPath: silentSocket, display: 'a daemon that does not answer' }, 600);
    const name = nameOf('deaf');
    await daemon.docker('create', '--name', name, ...SAFE, IMAGE);
    const t0 = performance.now();
    const r = await judgedBy(new Enforcer({ config: policyOf(POLICY), daemon: deaf, daemonTimeoutMs: 600 }), () => daemon.dockerResult('start', name));
    const ms = performance.now() - t0;
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, denial('enforce-start-unanswered: the daemon \\(a daemon that does not answer\\) did not show what would run'));
    // The CLI's own start-up and the daemon's round trips are in this figure too; the plugin's share is bounded by 600 ms.
    assert.ok(ms < 600 + 2500, `denied after ${ms} ms`);
    const line = (await decisions()).findLast((l) => l.endpoint === 'container-start');
    assert.ok(line && line.ms >= 550 && line.ms < TIMEOUT_MS, `the plugin answered after ${line?.ms} ms`);
    assert.equal(await daemon.docker('inspect', '-f', '{{.State.Running}}', name), 'false');
    deaf.close();
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await daemon.docker('rm', '-f', name);
  });
});

describe('class 6: the build query is read as dockerd reads it', () => {
  async function buildContext(): Promise<Buffer> {
    return makeTar([file('Dockerfile', `FROM ${SHELL_IMAGE}\nRUN step\n`)]);
  }

  test('networkmode=none;&networkmode=host and none%&networkmode=host are judged as host, and logged as host', async () => {
    for (const query of ['networkmode=none;&networkmode=host', 'networkmode=none%&networkmode=host']) {
      const r = await rawRequest(daemon.socket, 'POST', `/v1.41/build?t=${nameOf('b')}:x&${query}`, { headers: { 'Content-Type': 'application/x-tar' }, body: await buildContext() });
      assert.equal(r.status, 403, `${query}: ${r.body}`);
      assert.match(r.body, denial('container-host-network'));
      const line = (await decisions()).findLast((l) => l.endpoint === 'build');
      assert.equal(line?.query?.networkmode, 'host', query);
    }
  });

  test('dockerd itself drops the malformed pair and uses the next one: the build fails on the network Moat logged', async () => {
    // Moat allows a named network it does not know; dockerd then builds with it, proving which pair it read.
    const missing = `moat-no-such-net-${process.pid}`;
    for (const query of [`networkmode=none;&networkmode=${missing}`, `networkmode=none%&networkmode=${missing}`]) {
      const r = await rawRequest(daemon.socket, 'POST', `/v1.41/build?t=${nameOf('b')}:x&${query}`, { headers: { 'Content-Type': 'application/x-tar' }, body: await buildContext() });
      assert.equal(r.status, 200, r.body);
      assert.match(r.body, new RegExp(`network ${missing} not found|No such network: ${missing}`), query);
      const line = (await decisions()).findLast((l) => l.endpoint === 'build');
      assert.deepEqual([line?.decision, line?.query?.networkmode], ['allow', missing]);
    }
  });
});

describe('class 1: a plugin is judged by its config, never by the client\'s privilege list', () => {
  async function pluginDir(name: string, mounts: object[]): Promise<string> {
    const d = join(dir, name);
    mkdirSync(join(d, 'rootfs'), { recursive: true });
    copyFileSync(await sleeperBinary(), join(d, 'rootfs', 'sleeper'));
    writeFileSync(
      join(d, 'config.json'),
      JSON.stringify({
        description: 'moat test plugin',
        documentation: 'https://example.invalid/moat',
        entrypoint: ['/sleeper'],
        interface: { types: ['docker.volumedriver/1.0'], socket: 'moat-test.sock' },
        network: { type: 'none' },
        mounts,
        linux: { capabilities: [], allowAllDevices: false, devices: null },
      }),
    );
    return d;
  }
  const rootMount = [{ name: 'root', description: 'the host', source: '/', destination: '/host', type: 'bind', options: ['rbind', 'rw'] }];

  test('install with a decoy privilege list is refused unless the allow list names the plugin', async () => {
    const decoy = JSON.stringify([{ Name: 'a', Value: [] }]);
    const r = await rawRequest(daemon.socket, 'POST', '/v1.41/plugins/pull?remote=localhost:5999/evil/rootfs:1&name=evil', { headers: { 'Content-Type': 'application/json' }, body: decoy });
    assert.equal(r.status, 403, r.body);
    assert.match(r.body, denial('enforce-plugin-not-allowed: installing plugins is denied unless enforce.plugins.allow lists them: localhost:5999/evil/rootfs:1 is not in enforce.plugins.allow'));
    const created = await daemon.dockerResult('plugin', 'create', `moat-other-${process.pid}`, await pluginDir('other', rootMount));
    assert.match(created.stderr, denial('enforce-plugin-not-allowed'));
    assert.equal((await daemon.dockerResult('plugin', 'inspect', `moat-other-${process.pid}`)).code, 1);
  });

  test('an allowed plugin whose config mounts / read-write installs, and its enable is refused', async () => {
    const name = `${PLUGIN}-rootfs`;
    await daemon.docker('plugin', 'create', name, await pluginDir('rootfs', rootMount));
    const enable = await daemon.dockerResult('plugin', 'enable', name);
    assert.notEqual(enable.code, 0);
    assert.match(enable.stderr, denial('container-(sensitive-mounts|breakout-path) \\(critical\\): .*/host'));
    assert.equal(await daemon.docker('plugin', 'inspect', '-f', '{{.Enabled}}', name), 'false');
    // Re-pointing the mount with `plugin set` is judged too.
    assert.match((await daemon.dockerResult('plugin', 'set', name, 'root.source=/var/run')).stderr, denial('container-docker-socket'));
    const line = (await decisions()).findLast((l) => l.endpoint === 'plugin-enable');
    assert.ok(line?.findings?.some((f) => f.at?.startsWith('Settings.Mounts[0]') || f.at?.startsWith('Config.Mounts[0]')), JSON.stringify(line?.findings));
    await daemon.docker('plugin', 'rm', name);
  });

  test('an allowed plugin with nothing dangerous in its config passes the enable check', async () => {
    const name = `${PLUGIN}-plain`;
    await daemon.docker('plugin', 'create', name, await pluginDir('plain', []));
    // The sleeper serves no plugin socket, so dockerd itself gives up on it: what matters is that Moat allowed the enable.
    await daemon.dockerResult('plugin', 'enable', '--timeout', '2', name);
    const line = (await decisions()).findLast((l) => l.endpoint === 'plugin-enable');
    assert.equal(line?.decision, 'allow', JSON.stringify(line));
    await daemon.dockerResult('plugin', 'disable', '-f', name);
    await daemon.docker('plugin', 'rm', '-f', name);
  });
});
