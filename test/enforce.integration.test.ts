/**
 * `moat enforce` in front of a real dockerd: a second daemon of the test's own
 * (test/support/second-daemon.ts) with the plugin configured, real `docker` commands and
 * hand-written API requests against it. Allowed requests work; denied ones fail with the
 * rule's message and leave nothing behind; every known bypass is tried and none gets through.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/doors/config/load.ts';
import { fileSink, type DecisionLine, type DecisionSink } from '../src/features/enforce/decision-log.ts';
import { Enforcer } from '../src/features/enforce/enforcer.ts';
import { startPluginServer, type PluginServer } from '../src/features/enforce/server.ts';
import { containerRules } from '../src/knowledge/rules/container/index.ts';
import { allRules } from '../src/knowledge/rules/index.ts';
import { ensureTestImages, IMAGES } from './support/engine.ts';
import { rawRequest } from './support/raw-http.ts';
import { loadImage, startSecondDaemon, type SecondDaemon } from './support/second-daemon.ts';

const PLUGIN = `moat-test-${process.pid}`;
const IMAGE = IMAGES.hardened;
/** Settings that give no high or critical finding: what the default policy lets through. */
const SAFE = ['--network', 'none', '--memory', '64m', '--pids-limit', '50', '--read-only', '--cap-drop', 'ALL'];

let dir: string;
let daemon: SecondDaemon;
let server: PluginServer;
let log: DecisionSink;
let logFile: string;

before(async () => {
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'moat-enforce-'));
  logFile = join(dir, 'decisions.jsonl');
  log = fileSink(logFile);
  const config = parseConfig('enforce:\n  deny: ["severity >= high"]\n', join(dir, 'moat.yaml'), allRules);
  const socketPath = join(dir, 'plugin.sock');
  server = await startPluginServer({ socketPath, enforcer: new Enforcer({ config, rules: containerRules }), log });
  // dockerd finds the plugin through a symlink in its /run/docker/plugins (the test's own directory).
  daemon = await startSecondDaemon({ plugins: [PLUGIN], prepare: ({ pluginSockets }) => symlinkSync(socketPath, join(pluginSockets, `${PLUGIN}.sock`)) });
  await loadImage(daemon, IMAGE);
});

after(async () => {
  await daemon?.stop();
  await server?.close();
  await log?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const api = (method: string, path: string, opts: Parameters<typeof rawRequest>[3] = {}) => rawRequest(daemon.socket, method, path, opts);
const json = { 'Content-Type': 'application/json' };

function createBody(extra: Record<string, unknown> = {}, hostConfig: Record<string, unknown> = {}): string {
  return JSON.stringify({ Image: IMAGE, Labels: { 'dev.moat.test': '1' }, ...extra, HostConfig: { NetworkMode: 'none', ...hostConfig } });
}

async function exists(name: string): Promise<boolean> {
  return (await daemon.docker('ps', '-a', '--filter', `name=^/${name}$`, '--format', '{{.Names}}')) === name;
}

/** The request was refused by the plugin (403 with its message) and created nothing. */
async function assertDenied(res: { status: number; body: string }, name: string | undefined, rule: string): Promise<void> {
  assert.equal(res.status, 403, `expected a denial, got ${res.status}: ${res.body}`);
  assert.match(res.body, new RegExp(`authorization denied by plugin ${PLUGIN}: moat: denied: .*${rule}`));
  if (name) assert.equal(await exists(name), false, `${name} must not exist`);
}

let seq = 0;
const nameOf = (what: string): string => `moat-test-enforce-${process.pid}-${what}-${seq++}`;

describe('allowed requests work', () => {
  test('docker run, exec, ps, volume create and build pass the plugin', async () => {
    const name = nameOf('ok');
    await daemon.docker('run', '-d', '--name', name, ...SAFE, IMAGE);
    assert.equal(await daemon.docker('inspect', '-f', '{{.State.Running}}', name), 'true');
    await daemon.docker('exec', '-d', name, '/sleeper');
    assert.match(await daemon.docker('ps', '--format', '{{.Names}}'), new RegExp(name));
    await daemon.docker('volume', 'create', `${name}-vol`);
    const ctx = join(dir, 'build-ok');
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${IMAGE}\nLABEL built=1\n`);
    await daemon.docker('build', '-q', '-t', `${name}:built`, ctx);
    await daemon.docker('rm', '-f', name);
  });
});

describe('denied requests fail with the rule message', () => {
  test('docker create --privileged', async () => {
    const name = nameOf('priv');
    const r = await daemon.dockerResult('create', '--name', name, '--privileged', ...SAFE, IMAGE);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`authorization denied by plugin ${PLUGIN}: moat: denied: container-privileged \\(critical\\): runs privileged`));
    assert.equal(await exists(name), false);
  });

  test('docker exec --privileged into an allowed container', async () => {
    const name = nameOf('exec');
    await daemon.docker('run', '-d', '--name', name, ...SAFE, IMAGE);
    const r = await daemon.dockerResult('exec', '--privileged', name, '/sleeper');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /container-exec-privileged \(high\)/);
    await daemon.docker('rm', '-f', name);
  });

  test('docker volume create binding a host directory that holds the engine socket', async () => {
    const r = await daemon.dockerResult('volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/var/run', nameOf('vol'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /container-docker-socket \(critical\): \/var\/run is mounted/);
  });

  test('docker build --network host', async () => {
    const ctx = join(dir, 'build-host');
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${IMAGE}\n`);
    const r = await daemon.dockerResult('build', '--network', 'host', '-t', `${nameOf('b')}:x`, ctx);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /container-host-network \(high\)/);
  });

  test('a start that carries a HostConfig on an old API version (it would replace what create checked)', async () => {
    const name = nameOf('legacy');
    const created = await api('POST', `/v1.41/containers/create?name=${name}`, { headers: json, body: createBody() });
    assert.equal(created.status, 201, created.body);
    const r = await api('POST', `/v1.23/containers/${name}/start`, { headers: json, body: JSON.stringify({ Privileged: true }) });
    assert.equal(r.status, 403, r.body);
    assert.match(r.body, /enforce-legacy-start/);
    assert.equal(await daemon.docker('inspect', '-f', '{{.HostConfig.Privileged}} {{.State.Running}}', name), 'false false');
    await daemon.docker('rm', '-f', name);
  });
});

describe('bypasses: none gets through', () => {
  test('a create body over 1 MiB reaches the plugin empty: denied, naming CVE-2026-34040', async () => {
    const name = nameOf('big');
    const body = createBody({ Labels: { pad: 'x'.repeat(1024 * 1024 + 10) } }, { Privileged: true, Binds: ['/var/run/docker.sock:/s'] });
    assert.ok(body.length > 1024 * 1024);
    const r = await api('POST', `/v1.41/containers/create?name=${name}`, { headers: json, body });
    await assertDenied(r, name, 'enforce-hidden-body');
    assert.match(r.body, /CVE-2026-34040/);
  });

  test('an empty or missing create body is denied', async () => {
    for (const headers of [{ ...json, 'Content-Length': '0' }, {}]) {
      const r = await api('POST', '/v1.41/containers/create', { headers, body: '' });
      await assertDenied(r, undefined, 'enforce-hidden-body');
    }
  });

  // Upstream 20.10 forwards no body for these; Debian's 20.10.24+dfsg1 here forwards chunked and
  // parameterised-JSON bodies (the CVE-2024-41110 fix). Either way the request must be denied:
  // by the body check when it arrives empty, by the rule when it arrives whole.
  test('a chunked create body (no Content-Length) is denied', async () => {
    const name = nameOf('chunked');
    const body = createBody({}, { Privileged: true });
    const r = await api('POST', `/v1.41/containers/create?name=${name}`, { headers: json, chunks: [body.slice(0, 20), body.slice(20)] });
    await assertDenied(r, name, '(enforce-hidden-body|container-privileged)');
  });

  test('a JSON body sent with Content-Type parameters, or with none, is denied', async () => {
    for (const headers of [{ 'Content-Type': 'application/json; charset=utf-8' }, { 'Content-Type': 'Application/JSON' }, {} as Record<string, string>]) {
      const name = nameOf('ctype');
      const r = await api('POST', `/v1.41/containers/create?name=${name}`, { headers, body: createBody({}, { Privileged: true }) });
      await assertDenied(r, name, '(enforce-hidden-body|container-privileged)');
    }
  });

  test('capability names with and without CAP_ and in any case', async () => {
    for (const cap of ['SYS_ADMIN', 'CAP_SYS_ADMIN', 'cap_sys_admin', 'Cap_Sys_Admin', 'sys_admin', ' sys_admin ']) {
      const name = nameOf('cap');
      const r = await api('POST', `/v1.41/containers/create?name=${name}`, { headers: json, body: createBody({}, { CapAdd: [cap] }) });
      await assertDenied(r, name, 'container-dangerous-capabilities');
    }
    // A single string is a one-element list to the daemon (strslice).
    const r = await api('POST', `/v1.41/containers/create?name=${nameOf('capstr')}`, { headers: json, body: createBody({}, { CapAdd: 'cap_sys_admin' }) });
    await assertDenied(r, undefined, 'container-dangerous-capabilities');
    const cli = await daemon.dockerResult('create', '--cap-add', 'sys_admin', ...SAFE, IMAGE);
    assert.match(cli.stderr, /container-dangerous-capabilities/);
  });

  test('the engine socket through -v and through --mount, and a local volume that binds it', async () => {
    const cases = [
      ['-v', '/var/run/docker.sock:/s'],
      ['--mount', 'type=bind,source=/var/run/docker.sock,target=/s'],
      ['--mount', 'type=bind,src=/run/docker.sock,dst=/s,readonly'],
      ['--mount', 'type=volume,target=/s,volume-driver=local,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/var/run'],
    ];
    for (const flags of cases) {
      const name = nameOf('sock');
      const r = await daemon.dockerResult('create', '--name', name, ...flags, ...SAFE, IMAGE);
      assert.notEqual(r.code, 0, `${flags.join(' ')} must be denied`);
      assert.match(r.stderr, /container-docker-socket \(critical\)/, flags.join(' '));
      assert.equal(await exists(name), false);
    }
  });

  test('bind sources that are symlinks are resolved on the host', async () => {
    const links = join(dir, 'links');
    mkdirSync(links);
    symlinkSync('/var/run/docker.sock', join(links, 'x'));
    symlinkSync('/var/run', join(links, 'rundir'));
    symlinkSync(join(links, 'x'), join(links, 'chain'));
    const cases = [
      ['-v', `${join(links, 'x')}:/s`],
      ['--mount', `type=bind,source=${join(links, 'x')},target=/s`],
      ['-v', `${join(links, 'rundir')}/docker.sock:/s`],
      ['-v', `${join(links, 'chain')}:/s:ro`],
      ['-v', `${join(links, 'rundir')}:/r`],
    ];
    for (const flags of cases) {
      const name = nameOf('link');
      const r = await daemon.dockerResult('create', '--name', name, ...flags, ...SAFE, IMAGE);
      assert.notEqual(r.code, 0, `${flags.join(' ')} must be denied`);
      assert.match(r.stderr, /container-docker-socket \(critical\).*resolves to \/run/, flags.join(' '));
      assert.equal(await exists(name), false);
    }
  });

  test('versioned, unversioned, URL-encoded and uncleaned paths all reach the create check', async () => {
    // The daemon routes the percent-encoded path to create: a harmless body is created there.
    const control = nameOf('encoded-ok');
    const ok = await api('POST', `/v1.41/containers%2Fcreate?name=${control}`, { headers: json, body: createBody() });
    assert.equal(ok.status, 201, ok.body);
    await daemon.docker('rm', '-f', control);
    const body = createBody({}, { Privileged: true });
    for (const path of ['/v1.41/containers/create', '/containers/create', '/v1.24/containers/create', '/v1.41/containers%2Fcreate', '/v1.41/%63ontainers/%63reate', '/v1.41/containers/./create', '/v1.41/x/../containers/create', '//v1.41//containers/create']) {
      const name = nameOf('path');
      const r = await api('POST', `${path}?name=${name}`, { headers: json, body });
      assert.notEqual(r.status, 201, `${path} created a privileged container`);
      assert.equal(await exists(name), false, `${path}: ${name} exists`);
      if (r.status === 403) assert.match(r.body, /container-privileged/, path);
      else assert.ok(r.status === 301 || r.status === 404, `${path}: ${r.status} ${r.body}`);
    }
  });

  test('JSON keys in unexpected case are read as the daemon reads them', async () => {
    const bodies = [
      JSON.stringify({ image: IMAGE, hostconfig: { networkmode: 'none', privileged: true } }),
      JSON.stringify({ Image: IMAGE, HostConfig: { NetworkMode: 'none', PRIVILEGED: true } }),
      JSON.stringify({ Image: IMAGE, HostConfig: { NetworkMode: 'none', Privileged: false, privileged: true } }),
      JSON.stringify({ Image: IMAGE, HostConfig: { NetworkMode: 'none', bindſ: ['/var/run/docker.sock:/s'] } }),
      JSON.stringify({ Image: IMAGE, Privileged: true, NetworkMode: 'none' }),
    ];
    for (const body of bodies) {
      const name = nameOf('case');
      const r = await api('POST', `/v1.41/containers/create?name=${name}`, { headers: json, body });
      assert.equal(r.status, 403, `${body}: ${r.body}`);
      assert.match(r.body, /container-(privileged|docker-socket)/);
      assert.equal(await exists(name), false);
    }
  });
});

describe('the decision log', () => {
  test('has one JSON line per decision with user, method, path, rule and decision, and masks environment values', async () => {
    const secret = 'hunter2-very-secret-value';
    const r = await daemon.dockerResult('create', '--privileged', '-e', `TOKEN=${secret}`, '--label', `note=${secret}`, ...SAFE, IMAGE);
    assert.notEqual(r.code, 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = readFileSync(logFile, 'utf8');
    assert.ok(!text.includes(secret), 'a secret reached the decision log');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as DecisionLine);
    assert.ok(lines.length > 20);
    for (const l of lines) {
      assert.equal(typeof l.user, 'string');
      assert.match(l.method, /^[A-Z]+$/);
      assert.ok(l.path.startsWith('/'));
      assert.ok(l.decision === 'allow' || l.decision === 'deny');
      assert.ok(l.rule === null || typeof l.rule === 'string');
      if (l.decision === 'deny') assert.ok(l.rule, 'a denial names its rule');
    }
    const denial = lines.findLast((l) => l.endpoint === 'container-create' && l.decision === 'deny');
    assert.equal(denial?.rule, 'container-privileged');
    assert.ok(denial?.findings?.some((f) => f.rule === 'container-privileged' && f.action === 'deny'));
    assert.ok(lines.some((l) => l.method === 'GET' && l.decision === 'allow'));
  });
});
