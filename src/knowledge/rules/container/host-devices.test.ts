import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './host-devices.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';
import type { DeviceSpec } from '../../../models/container-spec.ts';

const dev = (hostPath: string, permissions = 'rwm'): DeviceSpec => ({ hostPath, containerPath: hostPath, permissions, at: { path: 'HostConfig.Devices[0]' } });

test('rates devices by what they expose', () => {
  const out = issues(rule, containerFacts({ devices: [dev('/dev/mem'), dev('/dev/sda'), dev('/dev/nvme0n1p2'), dev('/dev/kmsg'), dev('/dev/ttyUSB0'), dev('/dev/fuse')] }));
  assert.deepEqual(out.map((i) => i.severity), ['critical', 'high', 'high', 'medium', 'medium', 'low']);
  assert.deepEqual(out[0]?.at, { path: 'HostConfig.Devices[0]' });
});

test('rates device cgroup rules: all devices and block devices high, memory majors critical', () => {
  const out = issues(rule, containerFacts({ deviceCgroupRules: ['a *:* rwm', 'b *:* rwm', 'b 8:* r', 'c 1:1 rw', 'c 10:229 rwm', 'nonsense'] }));
  assert.deepEqual(out.map((i) => i.severity), ['high', 'high', 'medium', 'critical', 'medium', 'medium']);
  assert.match(out[5]?.message ?? '', /cannot read/);
});

test('passes a container without devices or rules', () => {
  assert.deepEqual(issues(rule, containerFacts()), []);
});

test('enforce.allow: a device is allowed only under every name it has; cgroup rules compared with spaces folded', () => {
  const allow = { volumeTypes: [], volumeDevices: [], devices: ['/dev/ttyUSB0'], deviceCgroupRules: ['c 188:* rwm'], systemPaths: false };
  const usb = { ...dev('/dev/ttyUSB0'), nodes: [{ kind: 'char' as const, path: '/dev/ttyUSB0', major: 188, minor: 0 }] };
  const disguised = { ...dev('/dev/ttyUSB0'), nodes: [{ kind: 'block' as const, path: '/dev/vda', major: 254, minor: 0 }] };
  assert.deepEqual(issues(rule, containerFacts({ devices: [usb], deviceCgroupRules: ['c  188:*  rwm'] }, { allow })), []);
  const out = issues(rule, containerFacts({ devices: [disguised] }, { allow }));
  assert.deepEqual(out.map((i) => i.severity), ['high']);
  assert.match(out[0]?.message ?? '', /block 254:0/);
});

test('devices are judged by the node they lead to, whatever their name', () => {
  const spelled = { ...dev('/tmp/innocent'), nodes: [{ kind: 'block' as const, path: '/dev/zram0', major: 253, minor: 0 }] };
  const mem = { ...dev('/tmp/m'), nodes: [{ kind: 'char' as const, path: '/tmp/m', major: 1, minor: 1 }] };
  assert.deepEqual(issues(rule, containerFacts({ devices: [spelled, mem, dev('//dev/./vda'), dev('/proc/self/root/dev/vda')] })).map((i) => i.severity), ['high', 'critical', 'high', 'high']);
});
