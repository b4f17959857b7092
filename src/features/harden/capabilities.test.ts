import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankSpec } from '../../doors/common/spec.ts';
import { effectiveCaps, inferCapabilities, DOCKER_DEFAULT_CAPS, type CapabilityInput } from './capabilities.ts';

const noSockets = { bound: new Set<string>(), raw: false, packet: false, audit: false };
const input = (over: Partial<CapabilityInput>): CapabilityInput => ({ workloadSyscalls: new Set(), sockets: noSockets, uids: new Set([0]), spec: blankSpec('inspect', 'x', 'x'), unprivilegedPorts: true, ...over });

test('the original holds Docker defaults plus adds minus drops; ALL on either side', () => {
  const s = blankSpec('inspect', 'x', 'x');
  assert.deepEqual([...effectiveCaps(s)].sort(), [...DOCKER_DEFAULT_CAPS].sort());
  assert.deepEqual([...effectiveCaps({ ...s, capDrop: ['ALL'], capAdd: ['CHOWN'] })], ['CHOWN']);
  assert.ok(effectiveCaps({ ...s, capAdd: ['SYS_ADMIN'], capDrop: ['NET_RAW'] }).has('SYS_ADMIN'));
  assert.ok(!effectiveCaps({ ...s, capAdd: ['SYS_ADMIN'], capDrop: ['NET_RAW'] }).has('NET_RAW'));
});

test('a workload that changes owners and users needs CHOWN, SETUID, SETGID (inferred: arguments are not logged)', () => {
  const r = inferCapabilities(input({ workloadSyscalls: new Set(['chown', 'setgid', 'setuid', 'openat']), uids: new Set([0, 1000]) }));
  assert.deepEqual(r.needs.map((n) => `${n.cap}:${n.confidence}`), ['CHOWN:inferred', 'SETGID:inferred', 'SETUID:inferred']);
  assert.match(r.needs[0]?.because ?? '', /changes file owners: chown/);
});

test('sockets give observed needs: raw → NET_RAW, audit netlink → AUDIT_WRITE, low ports only where the namespace needs it', () => {
  const sockets = { bound: new Set(['80/tcp', '8080/tcp']), raw: true, packet: false, audit: true };
  assert.deepEqual(inferCapabilities(input({ sockets })).needs.map((n) => n.cap), ['AUDIT_WRITE', 'NET_RAW']);
  const hostNet = inferCapabilities(input({ sockets, unprivilegedPorts: false })).needs;
  assert.deepEqual(hostNet.find((n) => n.cap === 'NET_BIND_SERVICE'), { cap: 'NET_BIND_SERVICE', confidence: 'observed', because: 'it listens on 80/tcp' });
});

test('signals to its own processes need no KILL; a capability the original lacked is not proposed', () => {
  assert.deepEqual(inferCapabilities(input({ workloadSyscalls: new Set(['kill']) })).needs, []);
  assert.deepEqual(inferCapabilities(input({ workloadSyscalls: new Set(['kill']), uids: new Set([0, 33]) })).needs.map((n) => n.cap), ['KILL', 'SETUID']);
  const r = inferCapabilities(input({ workloadSyscalls: new Set(['ptrace', 'chroot']) }));
  assert.deepEqual(r.needs.map((n) => n.cap), ['SYS_CHROOT']);
  assert.deepEqual(r.notHeld, ['SYS_PTRACE (the workload inspects other processes: ptrace)']);
});
