import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './apparmor.ts';
import { containerFacts, daemonSpec, hostSpec } from '../test-support/fixtures.ts';
import { issues, lintFacts, reason } from '../test-support/container-cases.ts';

const noAppArmorDaemon = (): ReturnType<typeof daemonSpec> => {
  const d = daemonSpec();
  d.info.securityOptions = d.info.securityOptions.filter((o) => o.name !== 'apparmor');
  return d;
};

test('flags apparmor=unconfined on an AppArmor host', () => {
  const out = issues(rule, containerFacts({ security: { apparmor: 'unconfined', raw: ['apparmor=unconfined'] }, where: { 'security.apparmor': { path: 'HostConfig.SecurityOpt' } } }));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'HostConfig.SecurityOpt' });
});

test('passes docker-default and a custom profile; leaves privileged containers to container-privileged', () => {
  assert.deepEqual(issues(rule, containerFacts()), []);
  assert.deepEqual(issues(rule, containerFacts({ security: { apparmor: 'my-app', raw: ['apparmor=my-app'] } })), []);
  assert.deepEqual(issues(rule, containerFacts({ privileged: true, security: { apparmor: 'unconfined', raw: [] } })), []);
  // ...but an explicit unconfined on a privileged container is still reported.
  assert.equal(issues(rule, containerFacts({ privileged: true, security: { apparmor: 'unconfined', raw: ['apparmor:unconfined'] } })).length, 1);
});

test('not applicable where the host has no AppArmor, from the daemon or the host facts', () => {
  assert.match(reason(rule, containerFacts({ security: { apparmor: undefined, raw: [] } }, { daemon: noAppArmorDaemon() })), /AppArmor is not enabled/);
  assert.match(reason(rule, { ...lintFacts(), host: hostSpec({ kernel: { apparmorEnabled: false, selinuxEnabled: false, cgroupVersion: 2 } }) }), /not enabled/);
});

test('at the compose door an unset profile is the engine default (fine) and unconfined is still a finding', () => {
  assert.deepEqual(issues(rule, lintFacts({ security: { apparmor: undefined, raw: [] } })), []);
  assert.equal(issues(rule, lintFacts({ security: { apparmor: 'unconfined', raw: ['apparmor:unconfined'] } })).length, 1);
});
