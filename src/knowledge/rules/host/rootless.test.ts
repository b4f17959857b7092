/**
 * The host-file checks for a rootless daemon on a real temp tree: files created, chmod-ed
 * and chown-ed to a user as a rootless install leaves them, a real unix socket in the
 * user's runtime dir, read by the host door (`readHost`) under the tree as its root.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DaemonSpec } from '../../../models/daemon-spec.ts';
import { parseEngine } from '../../../doors/engine/inspect-schema.ts';
import { InfoSchema, infoFromApi } from '../../../doors/daemon/engine.ts';
import { readRootless } from '../../../doors/daemon/rootless.ts';
import { readHost } from '../../../doors/host/index.ts';
import { hostPaths } from '../../../models/host-paths.ts';
import { isNotApplicable, type HostRule, type Outcome } from '../../../models/rule.ts';
import { daemonSpec, systemFacts } from '../test-support/fixtures.ts';
import sockOwner from './docker-sock-owner.ts';
import sockMode from './docker-sock-mode.ts';
import jsonOwner from './daemon-json-owner.ts';
import jsonMode from './daemon-json-mode.ts';
import etcDockerOwner from './etc-docker-owner.ts';
import serviceOwner from './docker-service-owner.ts';
import socketUnitOwner from './docker-socket-unit-owner.ts';
import certsOwner from './registry-certs-owner.ts';
import groupMembers from './docker-group-members.ts';
import auditDataRoot from './audit-data-root.ts';

const UID = 4242;
const GID = 4343;
const SUBGID = 300000;
let root: string;
let server: Server;
let daemon: DaemonSpec;
const home = '/home/rl';
const runtimeDir = `/run/user/${UID}`;

async function owned(path: string, mode: number, gid = GID): Promise<void> {
  await chmod(join(root, path), mode);
  await chown(join(root, path), UID, gid);
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'moat-rootless-host-'));
  await mkdir(join(root, 'etc'));
  await writeFile(join(root, 'etc/passwd'), `root:x:0:0:root:/root:/bin/bash\nrl:x:${UID}:${GID}::${home}:/bin/sh\n`);
  await writeFile(join(root, 'etc/group'), `root:x:0:\ndocker:x:998:alice\nrl:x:${GID}:\n`);
  await writeFile(join(root, 'etc/subgid'), `rl:${SUBGID}:65536\n`);
  for (const d of [`${home}/.config/docker/certs.d/registry.example`, `${home}/.config/systemd/user`, `${home}/.local/share/docker`, `${runtimeDir}/docker/containerd`]) await mkdir(join(root, d), { recursive: true });
  await writeFile(join(root, `${home}/.config/docker/daemon.json`), '{}\n');
  await writeFile(join(root, `${home}/.config/docker/certs.d/registry.example/ca.crt`), 'not a real certificate\n');
  await writeFile(join(root, `${home}/.config/systemd/user/docker.service`), '[Service]\nExecStart=/usr/bin/dockerd-rootless.sh\n');
  await owned(`${home}/.config/docker`, 0o755);
  await owned(`${home}/.config/docker/daemon.json`, 0o644);
  await owned(`${home}/.config/docker/certs.d/registry.example/ca.crt`, 0o444);
  await owned(`${home}/.config/systemd/user/docker.service`, 0o644);
  await owned(`${home}/.local/share/docker`, 0o710);
  // dockerd gives its socket its namespace's docker group (a subordinate gid on the host) and the sticky bit.
  server = createServer();
  server.listen(join(root, `${runtimeDir}/docker.sock`));
  await once(server, 'listening');
  await owned(`${runtimeDir}/docker.sock`, 0o1660, SUBGID + 103);
  const recorded = JSON.parse(readFileSync(join(import.meta.dirname, '../../../doors/daemon/test-support/rootless-info.json'), 'utf8')) as unknown;
  const info = { ...infoFromApi(parseEngine(InfoSchema, recorded, 'GET /info')), dockerRootDir: `${home}/.local/share/docker` };
  const rootless = await readRootless(root, { socket: `${runtimeDir}/docker.sock`, dockerRootDir: info.dockerRootDir });
  daemon = { ...daemonSpec({ optionList: [] }), info, rootless, configFile: { path: `${home}/.config/docker/daemon.json`, present: true } };
});

after(async () => {
  server?.close();
  await rm(root, { recursive: true, force: true });
});

async function check(rule: HostRule): Promise<Outcome> {
  const host = await readHost({ root, daemon });
  return rule.check(systemFacts({ daemon, host }));
}

test("the rootless daemon's files are found in the user's directories, not the system's", async () => {
  const host = await readHost({ root, daemon });
  const p = hostPaths(host, daemon);
  assert.deepEqual(p.dockerSockets, [`${runtimeDir}/docker.sock`]);
  assert.equal(p.daemonJson, `${home}/.config/docker/daemon.json`);
  assert.equal(p.etcDocker, `${home}/.config/docker`);
  assert.equal(p.dockerService, `${home}/.config/systemd/user/docker.service`);
  assert.equal(p.dataRoot, `${home}/.local/share/docker`);
  assert.equal(p.containerdSocket, `${runtimeDir}/docker/containerd/containerd.sock`);
  assert.deepEqual(p.registryCerts, [`${home}/.config/docker/certs.d/registry.example/ca.crt`]);
  assert.equal(p.dockerSocketUnit, undefined);
  assert.equal(p.etcDefaultDocker, undefined);
});

test("owned by the user (group its own or a subordinate gid), the sticky socket in $XDG_RUNTIME_DIR: every check passes", async () => {
  for (const rule of [sockOwner, sockMode, jsonOwner, jsonMode, etcDockerOwner, serviceOwner, certsOwner]) {
    assert.deepEqual(await check(rule), [], rule.meta.id);
  }
});

test('another user owning daemon.json, or a socket others may use, are found on those files', async () => {
  await chown(join(root, `${home}/.config/docker/daemon.json`), 5555, GID);
  await chmod(join(root, `${runtimeDir}/docker.sock`), 0o1666);
  try {
    const owner = await check(jsonOwner);
    assert.ok(!isNotApplicable(owner));
    assert.equal(owner.length, 1);
    assert.match(owner[0]!.message, new RegExp(`^${home}/.config/docker/daemon.json is owned by 5555:rl, expected rl \\(the rootless daemon's user, group ${GID} or one of its subordinate gids\\) or root$`));
    const mode = await check(sockMode);
    assert.ok(!isNotApplicable(mode));
    assert.equal(mode.length, 1);
    // The sticky bit is not reported; others' read and write are, at the severity of a socket anyone can use.
    assert.match(mode[0]!.message, /docker\.sock has mode 01666, more permissive than 0660: others read, others write$/);
    assert.equal(mode[0]!.severity, 'critical');
  } finally {
    await chown(join(root, `${home}/.config/docker/daemon.json`), UID, GID);
    await chmod(join(root, `${runtimeDir}/docker.sock`), 0o1660);
  }
});

test("a group outside the user's own and its subordinate range fails, and root as owner passes", async () => {
  await chown(join(root, `${runtimeDir}/docker.sock`), UID, 998);
  try {
    const out = await check(sockOwner);
    assert.ok(!isNotApplicable(out));
    assert.match(out[0]?.message ?? '', /is owned by rl:docker, expected rl/);
    await chown(join(root, `${runtimeDir}/docker.sock`), 0, 0);
    assert.deepEqual(await check(sockOwner), []);
  } finally {
    await chown(join(root, `${runtimeDir}/docker.sock`), UID, SUBGID + 103);
  }
});

test('the system daemon\'s socket unit and the docker group say why they do not apply; audit rules watch the user\'s data root', async () => {
  const unit = await check(socketUnitOwner);
  assert.ok(isNotApplicable(unit));
  assert.match(unit.notApplicable, /^not applicable \(rootless daemon\): .*no docker\.socket unit/);
  const group = await check(groupMembers);
  assert.ok(isNotApplicable(group));
  assert.match(group.notApplicable, /rootless daemon/);
  const audit = await check(auditDataRoot);
  assert.ok(!isNotApplicable(audit));
  assert.deepEqual(audit[0]?.at, { file: `${home}/.local/share/docker` });
});

test('a rootless daemon whose user is not known: owner checks are errors, not passes', async () => {
  const host = await readHost({ root, daemon });
  const blind: DaemonSpec = { ...daemon, rootless: { subgids: [], runtimeDir } };
  assert.throws(() => sockOwner.check(systemFacts({ daemon: blind, host })), /rootless daemon's user is unknown/);
});
