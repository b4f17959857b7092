/**
 * Cross-door truth on the real engine: a run line, the compose service that says the
 * same, and the create request the real docker CLI sends for it must give the same
 * ContainerSpec as inspecting the container the engine created, on every field the
 * source set, and the container rules must fire the same rule ids on all of them.
 * Containers are only created (never started), labelled, and removed by name.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ContainerSpec } from '../src/models/container-spec.ts';
import { containersFromCompose } from '../src/doors/compose/project.ts';
import { containerFromInspect } from '../src/doors/engine/container.ts';
import { ContainerInspectSchema, parseEngine } from '../src/doors/engine/inspect-schema.ts';
import { containerFromCreateRequest } from '../src/doors/authz-request/create-request.ts';
import { containerFromRunArgs } from '../src/doors/run-line/argv.ts';
import { findRunLines } from '../src/doors/run-line/shell.ts';
import { startCaptureProxy, type CaptureProxy } from './support/capture-proxy.ts';
import { docker, ensureTestImages, IMAGES, TEST_LABEL } from './support/engine.ts';
import { comparable, comparedFields, firingRules } from './support/spec-compare.ts';

const run = promisify(execFile);
const prefix = `moat-test-doors-${process.pid}`;
const network = `${prefix}-net`;
const volume = `${prefix}-vol`;
const created: string[] = [];
let proxy: CaptureProxy;

/** Run lines covering every flag the run door maps, at least once. */
const CASES: Array<{ name: string; args: string[] }> = [
  { name: 'privileged', args: ['--privileged', '--network', 'none'] },
  { name: 'caps', args: ['--cap-add=ALL', '--cap-add', 'sys_admin', '--cap-drop', 'CAP_NET_RAW', '--network=none'] },
  { name: 'secopt', args: ['--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined', '--security-opt', 'no-new-privileges:true', '--security-opt', 'label=disable', '--net', 'none'] },
  { name: 'host-ns', args: ['--pid', 'host', '--ipc=host', '--uts', 'host', '--userns', 'host', '--cgroupns', 'host', '--network', 'host'] },
  { name: 'container-ns', args: ['--ipc', 'private', '--cgroupns=private', '--network', 'none'] },
  { name: 'mounts', args: ['-v', '/tmp:/hosttmp:ro,rslave', '-v', `${volume}:/vol`, '-v', '/data', '--mount', 'type=bind,source=/etc,target=/hostetc,readonly', '--mount', 'type=tmpfs,target=/scratch', '--tmpfs', '/run:rw,size=1m', '-v', '/var/run/docker.sock:/var/run/docker.sock', '--network', 'none'] },
  { name: 'devices', args: ['--device', '/dev/null:/dev/xnull:r', '--device=/dev/zero', '--device-cgroup-rule', 'c 1:3 rwm', '--network', 'none'] },
  { name: 'ports', args: ['-p', '127.0.0.1:18080:80', '-p', '127.0.0.1:18000-18010:81', '-p', '127.0.0.1:18100-18101:90-91/udp', '-p127.0.0.1::82', '--publish=[::1]:18200:83/tcp', '-P'] },
  { name: 'resources', args: ['-m', '64m', '--memory-swap', '128m', '--cpu-shares', '512', '--cpus', '1.5', '--cpuset-cpus', '0', '--pids-limit', '50', '--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=100', '--network', 'none'] },
  { name: 'short-forms', args: ['-itP', '-m=32m', '-c512', '-uroot', '-eA=1', '-lrole=db', '--network', 'none'] },
  { name: 'quota', args: ['--cpu-quota', '50000', '--pids-limit', '-1', '--memory', '1g', '--network', 'none'] },
  { name: 'misc', args: ['--read-only', '--restart', 'on-failure:3', '--health-cmd', 'true', '--cgroup-parent', 'moat-test.slice', '-u', '10001:10001', '-e', 'A=1', '-l', 'x=y', '--sysctl', 'kernel.msgmax=65536', '--network', 'none'] },
  { name: 'no-health', args: ['--no-healthcheck', '--restart', 'always', '--read-only=false', '--privileged=false', '--network', 'none'] },
  { name: 'user-network', args: ['--network', network, '--restart=unless-stopped'] },
];

async function inspectSpec(name: string): Promise<ContainerSpec> {
  const raw = JSON.parse(await docker('inspect', name)) as unknown[];
  return containerFromInspect(parseEngine(ContainerInspectSchema, raw[0], `container ${name}`));
}

before(async () => {
  await ensureTestImages();
  await docker('network', 'create', '--label', TEST_LABEL, '--internal', network);
  await docker('volume', 'create', '--label', TEST_LABEL, volume);
  proxy = await startCaptureProxy();
});

after(async () => {
  if (created.length) await docker('rm', '-f', '-v', ...created).catch(() => undefined);
  await docker('network', 'rm', network).catch(() => undefined);
  await docker('volume', 'rm', volume).catch(() => undefined);
  await proxy?.close();
});

/** `docker create` through the capturing proxy: the engine creates it, and the test keeps the exact body the CLI sent. */
async function createThroughProxy(argv: string[]): Promise<{ query: string; body: string }> {
  const before = proxy.createRequests().length;
  await run('docker', argv.slice(1), { env: { ...process.env, DOCKER_HOST: `unix://${proxy.socketPath}` } });
  const reqs = proxy.createRequests();
  assert.equal(reqs.length, before + 1, 'the CLI sent one create request');
  return reqs.at(-1) as { query: string; body: string };
}

for (const c of CASES) {
  test(`run line, create request and inspect agree: ${c.name}`, async () => {
    const name = `${prefix}-${c.name}`;
    created.push(name);
    const argv = ['docker', 'create', '--name', name, '--label', TEST_LABEL, ...c.args, IMAGES.plain];
    const fromRun = containerFromRunArgs(argv);
    const req = await createThroughProxy(argv);
    const fromRequest = containerFromCreateRequest(req.body, { query: req.query }).spec;
    const fromInspect = await inspectSpec(name);

    assert.equal(fromRun.spec.name, name);
    assert.equal(fromRequest.name, name);
    assert.ok(fromRun.set.length > 0);
    for (const field of comparedFields(fromRun.set)) {
      assert.deepEqual(comparable(fromRun.spec, field), comparable(fromInspect, field), `run door vs inspect on ${field}`);
      assert.deepEqual(comparable(fromRequest, field), comparable(fromInspect, field), `request door vs inspect on ${field}`);
    }
    for (const e of fromRun.spec.env) assert.ok(fromInspect.env.includes(e), `env ${e} reaches the container`);
    for (const [k, v] of Object.entries(fromRun.spec.labels)) assert.equal(fromInspect.labels[k], v, `label ${k}`);
    assert.equal(fromRequest.image, fromInspect.image);
    assert.deepEqual(firingRules(fromRun.spec), firingRules(fromInspect), 'run door and inspect fire the same rules');
    assert.deepEqual(firingRules(fromRequest), firingRules(fromInspect), 'request door and inspect fire the same rules');
  });
}

test('the run lines of a shell script give the same specs as their argv', async () => {
  const script = `#!/bin/sh\nset -e\nsudo docker run -d --privileged \\\n  -v "/srv/app:/app:ro" --cap-add='SYS_ADMIN' \\\n  ${IMAGES.plain} /sleeper\ndocker container create --pid=host -p 127.0.0.1:80:80 x && echo done\n`;
  const lines = await findRunLines(script, 'deploy.sh');
  assert.equal(lines.length, 2);
  const first = containerFromRunArgs(lines[0]?.argv ?? [], { file: 'deploy.sh', positions: lines[0]?.positions });
  assert.deepEqual(lines[0]?.argv, ['docker', 'run', '-d', '--privileged', '-v', '/srv/app:/app:ro', '--cap-add=SYS_ADMIN', IMAGES.plain, '/sleeper']);
  assert.equal(first.spec.privileged, true);
  assert.deepEqual(first.spec.where.privileged, { file: 'deploy.sh', line: 3, column: 20 });
  assert.deepEqual(first.spec.where.capAdd, { file: 'deploy.sh', line: 4, column: 25 });
  assert.deepEqual(first.command, ['/sleeper']);
  const second = containerFromRunArgs(lines[1]?.argv ?? [], { file: 'deploy.sh', positions: lines[1]?.positions });
  assert.equal(second.verb, 'create');
  assert.deepEqual(second.spec.where['namespaces.pid'], { file: 'deploy.sh', line: 6, column: 25 });
});

/**
 * Compose services and the `docker create` each implies (what compose sends: the project's
 * default network, `<project>_<volume>` names, absolute bind sources).
 */
test('compose services agree with the containers their equivalent docker create makes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moat-compose-'));
  const project = `${prefix}-c`.replace(/[^a-z0-9_-]/g, '');
  const projNet = `${project}_default`;
  const projVol = `${project}_data`;
  await docker('network', 'create', '--label', TEST_LABEL, '--internal', projNet);
  await docker('volume', 'create', '--label', TEST_LABEL, projVol);
  try {
    writeFileSync(join(dir, '.env'), 'MEM=96m\nTAG=1\n');
    writeFileSync(join(dir, 'base.yaml'), `services:\n  base:\n    image: ${IMAGES.plain.split(':')[0]}:\${TAG}\n    cap_drop: [ALL]\n    volumes: ["./conf:/conf:ro"]\n    labels: {tier: base}\n`);
    writeFileSync(
      join(dir, 'compose.yaml'),
      `name: ${project}
x-limits: &limits
  mem_limit: \${MEM}
  pids_limit: 40
services:
  web:
    <<: *limits
    image: ${IMAGES.plain}
    privileged: true
    cap_add: [NET_ADMIN, cap_sys_ptrace]
    security_opt: ["seccomp:unconfined", "no-new-privileges=true"]
    user: "1000:1000"
    read_only: true
    restart: on-failure:2
    ports: ["127.0.0.1:18300:80", {target: 81, published: "18301", host_ip: 127.0.0.1, protocol: udp}]
    volumes:
      - data:/data
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - type: bind
        source: /etc
        target: /hostetc
        read_only: true
    tmpfs: [/run]
    devices: ["/dev/null:/dev/xnull:rw"]
    ulimits: {nofile: {soft: 100, hard: 200}, nproc: 50}
    healthcheck: {test: ["CMD", "/sleeper"]}
    environment: {A: "1", FROM_SHELL: null}
    cpu_shares: 256
    deploy: {resources: {limits: {cpus: "0.5"}}}
  worker:
    extends: {file: base.yaml, service: base}
    pid: host
    ipc: host
    healthcheck: {disable: true}
    labels: {tier: worker}
  debug:
    image: ${IMAGES.plain}
    profiles: [debug]
    network_mode: none
volumes:
  data: {}
`,
    );
    const { readFileSync } = await import('node:fs');
    const result = containersFromCompose(readFileSync(join(dir, 'compose.yaml'), 'utf8'), { file: join(dir, 'compose.yaml'), env: { FROM_SHELL: 'x', MEM: '64m' } });
    assert.deepEqual(result.specs.map((s) => s.name), ['web', 'worker', 'debug']);
    assert.deepEqual(result.warnings, []);
    const equivalent: Record<string, string[]> = {
      web: [
        '--network', projNet, '--memory', '64m', '--pids-limit', '40', '--privileged', '--cap-add', 'NET_ADMIN', '--cap-add', 'SYS_PTRACE',
        '--security-opt', 'seccomp=unconfined', '--security-opt', 'no-new-privileges=true', '--user', '1000:1000', '--read-only', '--restart', 'on-failure:2',
        '-p', '127.0.0.1:18300:80', '-p', '127.0.0.1:18301:81/udp', '-v', `${projVol}:/data`, '-v', '/var/run/docker.sock:/var/run/docker.sock:ro',
        '--mount', 'type=bind,source=/etc,target=/hostetc,readonly', '--tmpfs', '/run', '--device', '/dev/null:/dev/xnull:rw',
        '--ulimit', 'nofile=100:200', '--ulimit', 'nproc=50', '--health-cmd', 'unused', '-e', 'A=1', '-e', 'FROM_SHELL=x', '--cpu-shares', '256', '--cpus', '0.5', IMAGES.plain,
      ],
      worker: ['--network', projNet, '--cap-drop', 'ALL', '-v', `${join(dir, 'conf')}:/conf:ro`, '--pid', 'host', '--ipc', 'host', '--no-healthcheck', '-l', 'tier=worker', IMAGES.plain],
      debug: ['--network', 'none', IMAGES.plain],
    };
    for (const spec of result.specs) {
      const name = `${project}-${spec.name}-1`;
      created.push(name);
      await docker('create', '--name', name, '--label', TEST_LABEL, ...(equivalent[spec.name] ?? []));
      const inspected = await inspectSpec(name);
      // Compose always decides the network (its project default when the file names none): compare it too.
      const set = [...new Set([...(result.set[spec.name] ?? []), 'networks', 'namespaces.network'] as const)];
      assert.ok(set.length > 2, `${spec.name} sets fields`);
      for (const field of comparedFields(set)) {
        if (field === 'healthcheck' && spec.name === 'web') continue; // the exec form has no CLI flag: checked below
        assert.deepEqual(comparable(spec, field), comparable(inspected, field), `compose ${spec.name} vs inspect on ${field}`);
      }
      for (const e of spec.env) assert.ok(inspected.env.includes(e), `env ${e}`);
      for (const [k, v] of Object.entries(spec.labels)) assert.equal(inspected.labels[k], v, `label ${k}`);
      assert.deepEqual(firingRules(spec), firingRules(inspected), `compose ${spec.name} fires the rules inspect does`);
    }
    const web = result.specs[0] as ContainerSpec;
    assert.deepEqual(web.healthcheck, { test: ['CMD', '/sleeper'], disabled: false });
    assert.deepEqual(web.networks, [projNet], 'a service without networks joins <project>_default, not bridge');
    assert.equal(result.specs[1]?.image, `${IMAGES.plain.split(':')[0]}:1`, '.env interpolation');
    assert.deepEqual(result.specs[1]?.where.image, { file: join(dir, 'base.yaml'), line: 3, column: 5 });
    assert.deepEqual(containersFromCompose(readFileSync(join(dir, 'compose.yaml'), 'utf8'), { file: join(dir, 'compose.yaml'), profiles: [] }).specs.map((s) => s.name), ['web', 'worker']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    const mine = created.filter((n) => n.startsWith(project));
    if (mine.length) await docker('rm', '-f', '-v', ...mine).catch(() => undefined);
    created.splice(0, created.length, ...created.filter((n) => !n.startsWith(project)));
    await docker('network', 'rm', projNet).catch(() => undefined);
    await docker('volume', 'rm', projVol).catch(() => undefined);
  }
});
