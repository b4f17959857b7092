import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './breakout-path.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { exposedHostFacts, issues, lintFacts } from '../test-support/container-cases.ts';
import type { MountSpec } from '../../../models/container-spec.ts';

const root = { user: '0:0', where: { user: { path: 'Config.User' }, capAdd: { path: 'HostConfig.CapAdd' } } };
const bind = (source: string, readOnly = false): MountSpec => ({ type: 'bind', source, target: '/host', readOnly, at: { path: 'Mounts[0]' } });
const one = (f: Parameters<typeof rule.check>[0]): { message: string; severity?: string; evidence?: string } => {
  const out = issues(rule, f);
  assert.equal(out.length, 1, 'one joined finding');
  return out[0] as { message: string; severity?: string; evidence?: string };
};

test('an engine socket alone is a path, read-only or not, whoever the user is', () => {
  const f = one(containerFacts({ mounts: [bind('/var/run/docker.sock', true)] }));
  assert.equal(f.severity, 'critical');
  assert.match(f.message, /engine's API .*\[\/var\/run\/docker\.sock mounted at \/host \(read-only, which does not stop connecting\) \(Mounts\[0\]\)/);
});

test('SYS_ADMIN + root + no AppArmor/SELinux + cgroup v1: one critical finding naming each ingredient and where', () => {
  const f = one(exposedHostFacts({ ...root, capAdd: ['SYS_ADMIN'] }));
  assert.equal(f.severity, 'critical');
  assert.match(f.message, /release_agent/);
  for (const part of ['SYS_ADMIN added (HostConfig.CapAdd)', 'AppArmor is not enabled on this host', 'SELinux is not enabled on this host', 'cgroup v1', 'runs as root (0:0) without user-namespace remapping (Config.User)']) {
    assert.ok(f.message.includes(part), `missing ingredient: ${part}\n${f.message}`);
  }
});

test('each ingredient missing closes the SYS_ADMIN route', () => {
  assert.deepEqual(issues(rule, exposedHostFacts({ ...root, capAdd: ['SYS_ADMIN'], user: '10001' })), [], 'non-root');
  assert.deepEqual(issues(rule, containerFacts({ ...root, capAdd: ['SYS_ADMIN'] })), [], 'user namespaces remapped (fixture daemon)');
  const confined = exposedHostFacts({ ...root, capAdd: ['SYS_ADMIN'] });
  confined.daemon!.info.securityOptions.push({ name: 'apparmor', details: {} });
  assert.deepEqual(issues(rule, confined), [], 'AppArmor confines');
  const v2 = exposedHostFacts({ ...root, capAdd: ['SYS_ADMIN'] });
  v2.host!.kernel.cgroupVersion = 2;
  assert.deepEqual(issues(rule, v2), [], 'cgroup v2 has no release_agent');
});

test('privileged + root, SYS_MODULE + root, shocker, ptrace of host processes', () => {
  assert.match(one(exposedHostFacts({ ...root, privileged: true })).message, /every device and capability/);
  assert.match(one(exposedHostFacts({ ...root, capAdd: ['SYS_MODULE'] })).message, /kernel module/);
  assert.match(one(exposedHostFacts({ ...root, capDrop: [], capAdd: ['DAC_READ_SEARCH'] })).message, /shocker.*DAC_OVERRIDE \(Docker's default set, not dropped\)/);
  assert.deepEqual(issues(rule, exposedHostFacts({ ...root, capDrop: ['ALL'], capAdd: ['DAC_READ_SEARCH'] })), [], 'without DAC_OVERRIDE it only reads');
  assert.match(one(exposedHostFacts({ ...root, capAdd: ['SYS_PTRACE'], namespaces: { pid: 'host' } })).message, /ptrace a host process.*--pid host/);
  assert.deepEqual(issues(rule, exposedHostFacts({ ...root, capAdd: ['SYS_PTRACE'] })), [], 'no host PID namespace');
});

test('writable binds of host paths root runs from, and writable host disks, with root', () => {
  assert.match(one(exposedHostFacts({ ...root, mounts: [bind('/')] })).message, /write under host \/ what root on the host runs/);
  assert.match(one(exposedHostFacts({ ...root, mounts: [bind('/etc/cron.d')] })).message, /\/etc/);
  assert.deepEqual(issues(rule, exposedHostFacts({ ...root, mounts: [bind('/etc', true), bind('/home')] })), [], 'read-only /etc, and /home, are not root paths');
  // Read-only does not stop connect(): / holds the engine socket, and that route needs no root.
  const ro = one(exposedHostFacts({ user: '1000', mounts: [bind('/', true)] }));
  assert.equal(ro.severity, 'critical');
  assert.match(ro.message, /engine's API.*\/ mounted at .* \(read-only, which does not stop connecting\), reaching \/var\/run\/docker\.sock/);
  assert.match(one(exposedHostFacts({ ...root, devices: [{ hostPath: '/dev/sda', containerPath: '/dev/sda', permissions: 'rwm' }] })).message, /host block device/);
  assert.match(one(exposedHostFacts({ ...root, capDrop: [], deviceCgroupRules: ['b *:* rwm'] })).message, /mknod.*MKNOD/);
  assert.deepEqual(issues(rule, exposedHostFacts({ ...root, capDrop: ['ALL'], deviceCgroupRules: ['b *:* rwm'] })), [], 'no MKNOD: no node to open');
});

test('several routes join into one finding', () => {
  const f = one(exposedHostFacts({ ...root, capAdd: ['SYS_MODULE'], mounts: [bind('/var/run/docker.sock'), bind('/etc')] }));
  assert.match(f.message, /^has 3 paths to root on the host/);
});

test('at the compose door an unset user makes the route likely, rated medium', () => {
  const f = one(lintFacts({ user: undefined, mounts: [bind('/etc')] }));
  assert.equal(f.severity, 'medium');
  assert.match(f.message, /\(likely\)/);
});

test('passes the hardened container', () => {
  assert.deepEqual(issues(rule, exposedHostFacts()), []);
});
