import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './selinux.ts';
import { containerFacts, daemonSpec, hostSpec } from '../test-support/fixtures.ts';
import { issues, lintFacts, reason } from '../test-support/container-cases.ts';

/** A host with SELinux enforcing and a daemon that labels containers. */
function selinuxFacts(over: Parameters<typeof containerFacts>[0] = {}, labelling = true): ReturnType<typeof containerFacts> {
  const d = daemonSpec();
  if (labelling) d.info.securityOptions.push({ name: 'selinux', details: {} });
  return containerFacts(over, { daemon: d, host: hostSpec({ kernel: { apparmorEnabled: false, selinuxEnabled: true, cgroupVersion: 2 } }) });
}

test('flags label=disable where SELinux is on (docker-bench passes it), and unconfined types', () => {
  const out = issues(rule, selinuxFacts({ security: { selinuxDisabled: true, raw: ['label=disable'] }, where: { 'security.selinuxDisabled': { path: 'HostConfig.SecurityOpt' } } }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'HostConfig.SecurityOpt' });
  assert.match(issues(rule, selinuxFacts({ security: { selinuxLabels: ['type:spc_t'], raw: ['label=type:spc_t'] } }))[0]?.message ?? '', /spc_t/);
});

test('flags a daemon that does not label containers on an SELinux host, at medium', () => {
  const out = issues(rule, selinuxFacts({}, false));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'medium');
  assert.match(out[0]?.message ?? '', /selinux-enabled is off/);
});

test('passes default and custom labels with SELinux on; leaves privileged to container-privileged', () => {
  assert.deepEqual(issues(rule, selinuxFacts()), []);
  assert.deepEqual(issues(rule, selinuxFacts({ security: { selinuxLabels: ['level:s0:c100,c200'], raw: ['label=level:s0:c100,c200'] } })), []);
  assert.deepEqual(issues(rule, selinuxFacts({ privileged: true })), []);
  // The engine adds label=disable to host-PID and host-IPC containers itself: the namespace rules report the cause.
  assert.deepEqual(issues(rule, selinuxFacts({ namespaces: { pid: 'host' }, security: { selinuxDisabled: true, raw: ['label=disable'] } })), []);
  assert.deepEqual(issues(rule, selinuxFacts({ namespaces: { ipc: 'host' } })), []);
});

test('not applicable on hosts without SELinux (instead of docker-bench\'s warning)', () => {
  assert.match(reason(rule, containerFacts({ security: { selinuxDisabled: true, raw: ['label=disable'] } })), /SELinux is not enabled/);
});

test('at the compose door label=disable is reported as harmful wherever SELinux is on', () => {
  const out = issues(rule, lintFacts({ security: { selinuxDisabled: true, raw: ['label:disable'] } }));
  assert.match(out[0]?.message ?? '', /wherever SELinux is enabled/);
  assert.deepEqual(issues(rule, lintFacts()), []);
});
