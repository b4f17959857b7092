/**
 * Same rule, same verdict: for each insecure setting, the rule ids `moat enforce` denies a real
 * `docker create` with (a second dockerd with the plugin) are flagged by the lint side and by
 * `audit` of the same container created on the machine's engine.
 *
 * The lint side: `moat lint` (branch dockerfile) has not landed on main, so the lint verdict is
 * what it will run for a `docker run` line: the run-line door (findRunLines +
 * containerFromRunArgs) judged by the container rules registry.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audit } from '../src/features/audit/audit.ts';
import { Enforcer } from '../src/features/enforce/enforcer.ts';
import { startPluginServer, type PluginServer } from '../src/features/enforce/server.ts';
import { severityRank } from '../src/models/finding.ts';
import { lint } from '../src/features/lint/lint.ts';
import { containerRules } from '../src/knowledge/rules/container/index.ts';
import { docker, ensureTestImages, IMAGES, TEST_LABEL } from './support/engine.ts';
import { loadImage, startSecondDaemon, type SecondDaemon } from './support/second-daemon.ts';

const PLUGIN = `moat-cross-${process.pid}`;
/**
 * The plain image (no USER, no HEALTHCHECK): what lint and enforce must assume when they do not
 * know the image (root, no health check) is then what audit sees, so the three judge the same facts.
 */
const IMAGE = IMAGES.plain;

/** `denied`: what the default policy (deny high and critical) must decide. */
const CASES: Array<{ name: string; flags: string; denied: boolean }> = [
  { name: 'privileged', flags: '--privileged --network none', denied: true },
  { name: 'socket-v', flags: '-v /var/run/docker.sock:/var/run/docker.sock --network none', denied: true },
  { name: 'socket-mount', flags: '--mount type=bind,source=/run/docker.sock,target=/s,readonly --network none', denied: true },
  { name: 'host-network', flags: '--network host', denied: true },
  { name: 'host-pid', flags: '--pid host --network none', denied: true },
  { name: 'host-ipc', flags: '--ipc host --network none', denied: true },
  { name: 'host-uts', flags: '--uts host --network none', denied: false },
  { name: 'host-userns', flags: '--userns host --network none', denied: false },
  { name: 'seccomp', flags: '--security-opt seccomp=unconfined --network none', denied: true },
  { name: 'everything', flags: '--privileged --pid host --network host -v /var/run:/hostrun --security-opt seccomp:unconfined', denied: true },
  // Issue 11: judged by what they are. @ALLOW@ is a seccomp profile allowing every call, @DISK@ a block device of this machine.
  { name: 'systempaths', flags: '--security-opt systempaths=unconfined --network none', denied: true },
  { name: 'root-read-only', flags: '-v /:/host:ro --network none', denied: true },
  { name: 'seccomp-allow-all', flags: '--security-opt seccomp=@ALLOW@ --network none', denied: true },
  { name: 'volume-opt-device', flags: '--mount type=volume,target=/d,volume-opt=type=ext4,volume-opt=device=@DISK@ --network none', denied: true },
  { name: 'volume-opt-overlay-root', flags: '--mount type=volume,target=/d,volume-opt=type=overlay,volume-opt=device=overlay,volume-opt=o=lowerdir=/:/tmp --network none', denied: true },
  { name: 'volume-opt-tmpfs', flags: '--mount type=volume,target=/d,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=1m --network none', denied: false },
  { name: 'limits-only', flags: '--network none', denied: false },
  { name: 'hardened', flags: '--network none --memory 64m --pids-limit 50 --read-only --cap-drop ALL', denied: false },
];

let dir: string;
let daemon: SecondDaemon;
let server: PluginServer;
const onEngine: string[] = [];

before(async () => {
  await ensureTestImages();
  dir = mkdtempSync(join(tmpdir(), 'moat-enforce-cross-'));
  const socketPath = join(dir, 'plugin.sock');
  server = await startPluginServer({ socketPath, enforcer: new Enforcer() });
  daemon = await startSecondDaemon({ plugins: [PLUGIN], prepare: ({ pluginSockets }) => symlinkSync(socketPath, join(pluginSockets, `${PLUGIN}.sock`)) });
  await loadImage(daemon, IMAGE);
});

after(async () => {
  await daemon?.stop();
  await server?.close();
  if (onEngine.length) await docker('rm', '-f', '-v', ...onEngine).catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Rule ids named in a denial message (`rule-id (severity): message`). */
function deniedIds(stderr: string): string[] {
  return [...stderr.matchAll(/(container-[a-z0-9-]+) \((critical|high|medium|low|info)\)/g)].map((m) => m[1] as string).sort();
}

/** What `moat lint` (the library call behind it) reports for a deploy script holding the line. */
async function lintIds(line: string, name: string): Promise<Array<{ id: string; severity: string }>> {
  const script = join(dir, `${name}.sh`);
  writeFileSync(script, `#!/bin/sh\nset -e\n${line}\n`);
  const report = await lint({ paths: [script], cwd: dir, rules: containerRules });
  // Every case sets no user, so lint, not knowing the image, always has the root-user finding at the line.
  assert.ok(report.findings.some((f) => f.location?.line === 3), `lint found the run line in ${script}`);
  return report.findings.map((f) => ({ id: f.ruleId, severity: f.severity }));
}

/** A block device this machine has (/sys/dev/block), by its /dev name. */
function someDisk(): string {
  const id = readdirSync('/sys/dev/block')[0] as string;
  return `/dev/${/DEVNAME=(.+)/.exec(readFileSync(`/sys/dev/block/${id}/uevent`, 'utf8'))?.[1] ?? ''}`;
}

for (const c of CASES) {
  test(`enforce, lint and audit agree: ${c.name}`, async () => {
    const allow = join(dir, 'allow.json');
    writeFileSync(allow, '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []}\n');
    const flags = c.flags.replace('@ALLOW@', allow).replace('@DISK@', someDisk()).split(' ');
    const line = `docker create ${flags.join(' ')} ${IMAGE}`;

    const enforced = await daemon.dockerResult('create', ...flags, IMAGE);
    const denied = enforced.code === 0 ? [] : deniedIds(enforced.stderr);
    if (enforced.code === 0) await daemon.docker('rm', '-f', enforced.stdout);
    else assert.ok(denied.length > 0, `a denial names its rules: ${enforced.stderr}`);

    const linted = await lintIds(line, c.name);
    const name = `moat-test-cross-${process.pid}-${c.name}`;
    onEngine.push(name);
    await docker('create', '--name', name, '--label', TEST_LABEL, ...flags, IMAGE);
    const report = await audit({ rules: containerRules, containers: [name], all: true });
    const audited = new Set(report.findings.filter((f) => f.subject.name === name).map((f) => f.ruleId));

    // The default policy denies high and critical findings: exactly the lint side's rules at that level.
    const lintHigh = [...new Set(linted.filter((f) => severityRank(f.severity as 'high') >= severityRank('high')).map((f) => f.id))].sort();
    assert.deepEqual([...new Set(denied)].sort(), lintHigh, `${line}: enforce denied ${denied.join(', ') || 'nothing'}, lint flags ${lintHigh.join(', ') || 'nothing'} at high or above`);
    for (const id of denied) assert.ok(audited.has(id), `${line}: enforce denied with ${id}, audit does not flag it (audit: ${[...audited].join(', ')})`);
    for (const id of new Set(linted.map((f) => f.id))) assert.ok(audited.has(id), `${line}: lint flags ${id}, audit does not`);
    if (c.denied) assert.notEqual(enforced.code, 0, `${line} must be denied`);
    else assert.equal(enforced.code, 0, `${line} must be allowed (its findings are below high): ${enforced.stderr}`);
  });
}

test('a named local volume that mounts a disk: enforce denies its creation, lint flags the compose driver_opts, audit reads the volume', async () => {
  const disk = someDisk();
  const vol = `moat-test-cross-${process.pid}-disk`;
  const enforced = await daemon.dockerResult('volume', 'create', '--opt', 'type=ext4', '--opt', `device=${disk}`, vol);
  assert.notEqual(enforced.code, 0);
  assert.match(enforced.stderr, /container-local-volume \(critical\): local volume .* mounts a host block device/);

  const project = join(dir, 'compose-disk');
  mkdirSync(project);
  writeFileSync(join(project, 'allow.json'), '{"defaultAction":"SCMP_ACT_LOG"}');
  writeFileSync(
    join(project, 'compose.yaml'),
    `services:\n  app:\n    image: ${IMAGE}\n    network_mode: none\n    security_opt: [systempaths=unconfined, seccomp=./allow.json]\n    volumes: [data:/d, /:/host:ro]\nvolumes:\n  data:\n    driver_opts: { type: ext4, device: ${disk} }\n`,
  );
  const linted = new Set((await lint({ paths: [join(project, 'compose.yaml')], cwd: project, rules: containerRules })).findings.map((f) => f.ruleId));
  for (const id of ['container-local-volume', 'container-systempaths-unconfined', 'container-seccomp-unconfined', 'container-docker-socket']) assert.ok(linted.has(id), `lint flags ${id} (${[...linted].join(', ')})`);

  // The same volume on the machine's engine (created, never mounted: no container using it starts).
  await docker('volume', 'create', '--label', TEST_LABEL, '--opt', 'type=ext4', '--opt', `device=${disk}`, vol);
  const name = `moat-test-cross-${process.pid}-disk-user`;
  onEngine.push(name);
  try {
    await docker('create', '--name', name, '--label', TEST_LABEL, '--network', 'none', '-v', `${vol}:/d`, IMAGE);
    const report = await audit({ rules: containerRules, containers: [name], all: true });
    const f = report.findings.find((x) => x.subject.name === name && x.ruleId === 'container-local-volume');
    assert.ok(f, 'audit reads the named volume (GET /volumes/NAME) and flags what it mounts');
    assert.equal(f.severity, 'critical');
  } finally {
    await docker('rm', '-f', name).catch(() => undefined);
    await docker('volume', 'rm', vol).catch(() => undefined);
  }
});
