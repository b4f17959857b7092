import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHost } from './index.ts';
import { daemonSpec, option } from '../../knowledge/rules/test-support/fixtures.ts';

const MOUNTINFO = [
  '27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '42 27 254:0 /srv/docker /var/lib/docker rw,relatime shared:2 - ext4 /dev/vda rw',
  '43 27 0:50 / /mnt/with\\040space rw - tmpfs tmpfs rw',
].join('\n');

async function put(root: string, path: string, text: string, mode: number, uid = 0, gid = 0): Promise<void> {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), text);
  await chmod(join(root, path), mode);
  await chown(join(root, path), uid, gid);
}

async function listen(path: string): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  return server;
}

test('readHost reads the facts of a host mounted under a root', async () => {
  const root = await mkdtemp(join(tmpdir(), 'moat-host-'));
  let server: Server | undefined;
  try {
    await put(root, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n', 0o644);
    await put(root, 'etc/group', 'root:x:0:\ndocker:x:998:alice\n', 0o644);
    await put(root, 'etc/docker/daemon.json', '{}\n', 0o666, 0, 998);
    await chmod(join(root, 'etc/docker'), 0o755);
    await put(root, 'etc/docker/certs.d/registry.example:5000/ca.crt', 'cert', 0o444);
    await put(root, 'etc/docker/tls/ca.pem', 'ca', 0o644, 1000, 1000);
    await put(root, 'lib/systemd/system/docker.service', '[Service]\n', 0o644);
    await put(root, 'usr/sbin/dockerd', '', 0o755);
    await put(root, 'proc/1/mountinfo', MOUNTINFO, 0o444);
    await put(root, 'etc/audit/rules.d/docker.rules', '-w /usr/sbin/dockerd -k docker\n-w /etc/docker -k docker\n', 0o640);
    await put(root, 'sys/module/apparmor/parameters/enabled', 'Y\n', 0o444);
    await put(root, 'sys/fs/cgroup/cgroup.controllers', 'cpu memory pids\n', 0o444);
    await mkdir(join(root, 'run'));
    await mkdir(join(root, 'var'));
    await symlink('/run', join(root, 'var/run'));
    server = await listen(join(root, 'run/docker.sock'));
    await chmod(join(root, 'run/docker.sock'), 0o660);
    await chown(join(root, 'run/docker.sock'), 0, 998);

    const daemon = daemonSpec({ optionList: [option('tlscacert', '/etc/docker/tls/ca.pem')], configFile: { path: '/etc/docker/daemon.json', present: true } });
    const host = await readHost({ root, daemon, env: { DOCKER_CONTENT_TRUST: '1', HOME: '/root' } });

    assert.equal(host.root, root);
    assert.deepEqual(host.files.get('/etc/docker/daemon.json'), { path: '/etc/docker/daemon.json', exists: true, type: 'file', mode: 0o666, uid: 0, gid: 998, user: 'root', group: 'docker' });
    assert.equal(host.files.get('/etc/docker')?.type, 'directory');
    assert.equal(host.files.get('/etc/docker')?.mode, 0o755);
    assert.deepEqual(host.files.get('/var/run/docker.sock'), { path: '/var/run/docker.sock', exists: true, type: 'socket', mode: 0o660, uid: 0, gid: 998, user: 'root', group: 'docker' });
    assert.equal(host.files.get('/etc/docker/tls/ca.pem')?.user, 'alice');
    assert.equal(host.files.get('/etc/docker/tls/ca.pem')?.gid, 1000);
    assert.equal(host.files.get('/etc/docker/certs.d/registry.example:5000/ca.crt')?.mode, 0o444);
    assert.equal(host.files.get('/lib/systemd/system/docker.service')?.exists, true);
    assert.equal(host.files.get('/etc/systemd/system/docker.service')?.exists, false);
    assert.equal(host.files.get('/usr/sbin/dockerd')?.exists, true);
    assert.equal(host.files.get('/usr/bin/dockerd')?.exists, false);
    assert.equal(host.files.get('/etc/sysconfig/docker')?.exists, false);

    assert.deepEqual(host.audit, { sources: ['/etc/audit/rules.d/docker.rules'], watchedPaths: new Set(['/usr/sbin/dockerd', '/etc/docker']), available: true });
    assert.deepEqual(host.kernel, { apparmorEnabled: true, selinuxEnabled: false, cgroupVersion: 2 });
    assert.deepEqual(
      host.mounts.map((m) => [m.mountPoint, m.root, m.device]),
      [['/', '/', '254:0'], ['/var/lib/docker', '/srv/docker', '254:0'], ['/mnt/with space', '/', '0:50']],
    );
    assert.deepEqual(host.dockerGroup, { gid: 998, members: ['alice'] });
    assert.deepEqual(host.env, { DOCKER_CONTENT_TRUST: '1' });
  } finally {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await rm(root, { recursive: true, force: true });
  }
});

test('an empty root gives facts that say so, not a crash', async () => {
  const root = await mkdtemp(join(tmpdir(), 'moat-host-empty-'));
  try {
    const host = await readHost({ root, env: {} });
    assert.equal(host.files.get('/var/run/docker.sock')?.exists, false);
    assert.equal(host.audit.available, false);
    assert.deepEqual(host.mounts, []);
    assert.equal(host.dockerGroup, undefined);
    assert.deepEqual(host.kernel, { apparmorEnabled: false, selinuxEnabled: false, cgroupVersion: 1 });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('on this machine, the Docker socket is found and is a socket', async () => {
  const host = await readHost({ root: '/' });
  const sock = host.files.get('/var/run/docker.sock');
  assert.equal(sock?.exists, true);
  assert.equal(sock?.type, 'socket');
  assert.ok(host.mounts.some((m) => m.mountPoint === '/'), 'the mount table has a root mount');
});
