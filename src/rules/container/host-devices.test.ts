import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './host-devices.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';
import type { DeviceSpec } from '../../models/container-spec.ts';

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
