import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './local-volume.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';
import type { DeviceNode, MountSpec } from '../../../models/container-spec.ts';

const vol = (options: Record<string, string>, deviceNodes?: DeviceNode[], driver = 'local'): MountSpec => ({ type: 'volume', source: 'data', target: '/data', readOnly: false, volume: { driver, options, ...(deviceNodes ? { deviceNodes } : {}) }, at: { path: 'Mounts[0]' } });

test('a device mount: critical when the host shows a block device, whatever its name', () => {
  const out = issues(rule, containerFacts({ mounts: [vol({ type: 'ext4', device: '/tmp/innocent' }, [{ kind: 'block', path: '/dev/vda', major: 254, minor: 0 }])] }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'critical');
  assert.match(out[0]?.message ?? '', /block 254:0/);
});

test('a device mount judged by name where the host cannot be read (lint)', () => {
  assert.deepEqual(issues(rule, containerFacts({ mounts: [vol({ type: 'ext4', device: '/dev/vda' })] })).map((i) => i.severity), ['high']);
  assert.deepEqual(issues(rule, containerFacts({ mounts: [vol({ type: 'xfs', device: '/srv/x.img' }, [{ kind: 'other', path: '/srv/x.img' }])] })).map((i) => i.severity), ['medium']);
});

test("kernel file systems are the host's own: critical; network shares medium", () => {
  assert.deepEqual(issues(rule, containerFacts({ mounts: [vol({ type: 'proc', device: 'proc' }), vol({ type: 'devtmpfs', device: 'x' })] })).map((i) => i.severity), ['critical', 'critical']);
  assert.deepEqual(issues(rule, containerFacts({ mounts: [vol({ type: 'nfs', o: 'addr=10.0.0.1', device: ':/export' })] })).map((i) => i.severity), ['medium']);
});

test('tmpfs, binds (judged as binds by the mount rules), plain volumes and other drivers pass', () => {
  assert.deepEqual(issues(rule, containerFacts({ mounts: [vol({ type: 'tmpfs', device: 'tmpfs', o: 'size=10m' }), vol({ type: 'none', o: 'bind', device: '/' }), vol({}), vol({ type: 'ext4', device: '/dev/vda' }, undefined, 'rexray')] })), []);
});
