/**
 * `moat audit` against a real rootless daemon (test/support/rootless-daemon.ts): the checks
 * whose meaning changes under rootless mode find the user's socket, config and data, expect
 * the user as owner, call userns remapping moot, and say when limits are not enforced. On
 * this machine (cgroup v1) the daemon runs without cgroups: /info says so, and the limit and
 * process checks are asserted from what /info reports, so they hold on a cgroup v2 host too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestImages, IMAGES, sleeperBinary } from './support/engine.ts';
import { loadImageInto, startRootlessDaemon, type RootlessDaemon } from './support/rootless-daemon.ts';
import { runMoat } from './support/moat-cli.ts';

let daemon: RootlessDaemon;
let cwd: string;
let info: { SecurityOptions: string[]; MemoryLimit: boolean; PidsLimit: boolean; CgroupDriver: string; DockerRootDir: string };

interface Check {
  ruleId: string;
  status: string;
  reason?: string;
}
interface Finding {
  ruleId: string;
  message: string;
  severity: string;
  subject: { name?: string };
  location?: { file?: string };
}

before(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'moat-rootless-cwd-'));
  await ensureTestImages();
  daemon = await startRootlessDaemon();
  // dockerd read no daemon.json at start; the audit must read this one (the rootless default), not /etc/docker/daemon.json.
  daemon.writeUserFile('.config/docker/daemon.json', '{ "icc": false, "no-new-privileges": true }\n');
  await loadImageInto(daemon, IMAGES.plain);
  // An image whose only process is named sshd: found only if the container's processes can be listed.
  const ctx = mkdtempSync(join(tmpdir(), 'moat-rootless-ctx-'));
  copyFileSync(await sleeperBinary(), join(ctx, 'sshd'));
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${IMAGES.plain}\nCOPY sshd /usr/sbin/sshd\nENTRYPOINT ["/usr/sbin/sshd"]\n`);
  await daemon.docker('build', '-q', '-t', 'moat-test/rootless-sshd:1', ctx);
  rmSync(ctx, { recursive: true, force: true });
  await daemon.docker('run', '-d', '--name', 'rl-limited', '--memory', '64m', '--pids-limit', '50', IMAGES.plain);
  await daemon.docker('run', '-d', '--name', 'rl-sshd', 'moat-test/rootless-sshd:1');
  info = JSON.parse(await daemon.docker('info', '--format', '{{json .}}')) as typeof info;
});

after(async () => {
  await daemon?.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

async function audit(...extra: string[]): Promise<{ checks: Map<string, Check>; findings: Finding[] }> {
  const r = await runMoat(['audit', '--format', 'json', '--fail-on', 'none', ...extra], { cwd, env: { DOCKER_HOST: `unix://${daemon.socket}` }, timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { checks: Check[]; findings: Finding[] };
  return { checks: new Map(report.checks.map((c) => [c.ruleId, c])), findings: report.findings };
}

const of = (findings: Finding[], id: string, container?: string): Finding[] => findings.filter((f) => f.ruleId === id && (container === undefined || f.subject.name === container));

test('the daemon is really rootless, with its defaults in the temp home', () => {
  assert.ok(info.SecurityOptions.includes('name=rootless'), info.SecurityOptions.join(', '));
  assert.equal(info.DockerRootDir, join(daemon.home, '.local/share/docker'));
  assert.equal(statSync(daemon.socket).uid, daemon.uid);
});

test('daemon and host checks: the user\'s socket, config and units, userns moot, no false findings', async () => {
  const { checks, findings } = await audit();
  assert.equal(checks.get('daemon-rootless')?.status, 'pass');
  assert.equal(checks.get('daemon-userns')?.status, 'not-applicable');
  assert.match(checks.get('daemon-userns')?.reason ?? '', /rootless daemon.*moat-rootless/);
  assert.equal(checks.get('container-host-userns')?.status, 'not-applicable');
  // The real socket is user:<subordinate gid> 01660: the user owns it and the sticky bit is the XDG runtime dir's keep-me mark.
  assert.equal(checks.get('host-docker-sock-owner')?.status, 'pass', JSON.stringify(of(findings, 'host-docker-sock-owner')));
  assert.equal(checks.get('host-docker-sock-mode')?.status, 'pass', JSON.stringify(of(findings, 'host-docker-sock-mode')));
  assert.equal(checks.get('host-containerd-sock-owner')?.status, 'pass', JSON.stringify(of(findings, 'host-containerd-sock-owner')));
  assert.equal(checks.get('host-daemon-json-owner')?.status, 'pass', JSON.stringify(of(findings, 'host-daemon-json-owner')));
  // Settings come from ~/.config/docker/daemon.json: icc and no-new-privileges are set there.
  assert.equal(checks.get('daemon-icc')?.status, 'pass', JSON.stringify(of(findings, 'daemon-icc')));
  assert.equal(checks.get('daemon-no-new-privileges')?.status, 'pass', JSON.stringify(of(findings, 'daemon-no-new-privileges')));
  for (const id of ['host-docker-socket-unit-owner', 'host-docker-socket-unit-mode', 'host-etc-default-docker-owner', 'host-audit-containerd-config', 'host-docker-group-members']) {
    assert.equal(checks.get(id)?.status, 'not-applicable', id);
    assert.match(checks.get(id)?.reason ?? '', /rootless daemon/, id);
  }
  // No finding points at a system path the rootless daemon does not use.
  const system = findings.filter((f) => /^\/(etc\/docker|var\/run\/docker\.sock|run\/containerd|var\/lib\/docker)/.test(f.location?.file ?? ''));
  assert.deepEqual(system, []);
});

test('the host-file checks judge the user\'s real files: a socket others can use, a daemon.json another user owns', async () => {
  const json = join(daemon.home, '.config/docker/daemon.json');
  const mode = statSync(daemon.socket).mode & 0o7777;
  chmodSync(daemon.socket, 0o666);
  chownSync(json, 65534, 65534);
  try {
    const { findings } = await audit('--checks', '3');
    const sock = of(findings, 'host-docker-sock-mode');
    assert.equal(sock.length, 1, JSON.stringify(findings));
    assert.equal(sock[0]?.location?.file, daemon.socket);
    assert.equal(sock[0]?.severity, 'critical');
    const owner = of(findings, 'host-daemon-json-owner');
    assert.equal(owner.length, 1, JSON.stringify(findings));
    assert.equal(owner[0]?.location?.file, json);
    assert.match(owner[0]?.message ?? '', /expected moat-rootless \(the rootless daemon's user/);
  } finally {
    chmodSync(daemon.socket, mode);
    chownSync(json, daemon.uid, daemon.gid);
  }
});

test('limits: judged by what /info says the daemon can enforce', async () => {
  const { findings } = await audit('--checks', '5.11,5.29');
  const memory = of(findings, 'container-memory-limit', 'rl-limited');
  const pids = of(findings, 'container-pids-limit', 'rl-limited');
  if (info.MemoryLimit) assert.deepEqual(memory, []);
  else {
    assert.equal(memory.length, 1);
    assert.match(memory[0]?.message ?? '', /^its memory limit \(67108864 bytes\) is not enforced: this rootless daemon/);
  }
  if (info.PidsLimit) assert.deepEqual(pids, []);
  else assert.match(pids[0]?.message ?? '', /^its PIDs limit \(50\) is not enforced: .*cgroup v2/);
});

test('processes: an SSH daemon in a container is found although the engine cannot list processes without cgroups', async () => {
  if (info.CgroupDriver === 'none') {
    const top = await daemon.docker('top', 'rl-sshd').then(
      () => 'listed',
      (e: Error) => e.message,
    );
    assert.match(top, /unable to get all container pids|runc did not terminate/);
  }
  const { checks, findings } = await audit('--checks', '5.7');
  assert.equal(checks.get('container-sshd')?.status, 'fail', JSON.stringify(checks.get('container-sshd')));
  const sshd = of(findings, 'container-sshd');
  assert.equal(sshd.length, 1);
  assert.equal(sshd[0]?.subject.name, 'rl-sshd');
  assert.match(sshd[0]?.message ?? '', /runs an SSH daemon \(pid \d+, user \d+\): \/usr\/sbin\/sshd/);
});
