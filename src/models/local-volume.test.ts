import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localVolumeMount, withLocalVolumeBinds } from './local-volume.ts';

test('local options read as the driver reads them: o split into flags and data, MS_BIND ignores the type', () => {
  assert.equal(localVolumeMount({ driver: 'local', options: {} })?.kind, 'plain');
  assert.deepEqual(localVolumeMount({ driver: '', options: { type: 'ext4', o: 'bind,ro', device: '/etc' } })?.hostPaths, [{ path: '/etc', readOnly: true, role: 'bind source' }]);
  assert.equal(localVolumeMount({ driver: 'local', options: { type: 'none', o: 'rbind,ro,rw', device: '/x' } })?.hostPaths[0]?.readOnly, false);
  assert.equal(localVolumeMount({ driver: 'local', options: { type: 'ext4', device: '/dev/vda' } })?.kind, 'device');
  assert.equal(localVolumeMount({ driver: 'local', options: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } })?.kind, 'memory');
  assert.equal(localVolumeMount({ driver: 'local', options: { type: 'PROC', device: 'proc' } })?.kind, 'kernel');
  assert.equal(localVolumeMount({ driver: 'local', options: { type: 'cifs', device: '//srv/share' } })?.kind, 'network');
  assert.equal(localVolumeMount({ driver: 'rexray', options: { type: 'ext4', device: '/dev/vda' } }), undefined);
});

test('binds derived from local volumes are appended, located where the volume was', () => {
  const out = withLocalVolumeBinds([{ type: 'volume', source: 'v', target: '/v', readOnly: true, volume: { driver: 'local', options: { o: 'bind', device: '/run' } }, at: { path: 'Mounts[0]' } }]);
  assert.equal(out.length, 2);
  assert.deepEqual(out[1], { type: 'bind', source: '/run', target: '/v', readOnly: true, derivedFrom: 'bind source of local volume v', at: { path: 'Mounts[0]' } });
});
