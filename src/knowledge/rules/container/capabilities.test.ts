import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './capabilities.ts';
import { effectiveCapabilities } from './support/capability-sets.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('flags capabilities added beyond the default set, at the CapAdd location', () => {
  const out = issues(rule, containerFacts({ capAdd: ['SYS_ADMIN', 'NET_BIND_SERVICE'], where: { capAdd: { path: 'HostConfig.CapAdd' } } }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /beyond Docker's default set: SYS_ADMIN$/);
  assert.deepEqual(out[0]?.at, { path: 'HostConfig.CapAdd' });
});

test('flags not dropping ALL (low), naming NET_RAW among the kept defaults', () => {
  const out = issues(rule, containerFacts({ capDrop: ['MKNOD'] }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'low');
  assert.match(out[0]?.message ?? '', /keeps 13 of Docker's default capabilities .*NET_RAW among them/);
});

test('passes --cap-drop ALL with defaults added back, and privileged (container-privileged reports it)', () => {
  assert.deepEqual(issues(rule, containerFacts({ capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE', 'CHOWN'] })), []);
  assert.deepEqual(issues(rule, containerFacts({ privileged: true, capDrop: [] })), []);
});

test('--cap-add ALL is reported once, as ALL', () => {
  const out = issues(rule, containerFacts({ capAdd: ['ALL'] }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /adds ALL capabilities/);
});

test("effective capabilities follow moby's TweakCapabilities", () => {
  assert.deepEqual([...effectiveCapabilities({ privileged: false, capAdd: ['NET_ADMIN'], capDrop: ['ALL'] })], ['NET_ADMIN']);
  assert.ok(effectiveCapabilities({ privileged: false, capAdd: ['SETUID'], capDrop: ['SETUID'] }).has('SETUID'), 'an add wins over a drop of the same name');
  assert.ok(!effectiveCapabilities({ privileged: false, capAdd: ['ALL'], capDrop: ['SYS_ADMIN'] }).has('SYS_ADMIN'));
  assert.equal(effectiveCapabilities({ privileged: false, capAdd: [], capDrop: [] }).size, 14);
});
