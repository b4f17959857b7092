import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blankSpec } from '../common/spec.ts';
import { PluginInspectSchema, parseEngine } from './inspect-schema.ts';
import { pluginOverSpec } from './plugin.ts';

/**
 * `docker plugin inspect` of a plugin made with `docker plugin create` on dockerd 20.10.24 (config: network host,
 * pidhost, CAP_SYS_ADMIN, allowAllDevices, /dev/vda, a mount of / re-pointed to /etc with `plugin set`).
 */
const raw = JSON.parse(readFileSync(join(import.meta.dirname, 'test-support', 'plugin-inspect.json'), 'utf8')) as unknown;

test("a plugin's privileges come from its config and settings, each located", () => {
  const spec = pluginOverSpec(parseEngine(PluginInspectSchema, raw, 'plugin inspect'), blankSpec('inspect', 'plugin', 'plugin'));
  assert.equal(spec.name, 'moat-fixture:latest');
  assert.equal(spec.image, 'moat-fixture:latest');
  assert.equal(spec.user, '0:0', 'a plugin without a user runs as root');
  assert.deepEqual(spec.capDrop, [], "Docker's default capabilities, not the baseline's dropped set");
  assert.deepEqual(spec.capAdd, ['SYS_ADMIN']);
  assert.deepEqual([spec.namespaces.network, spec.namespaces.pid, spec.namespaces.ipc], ['host', 'host', undefined]);
  assert.deepEqual(spec.deviceCgroupRules, ['a *:* rwm']);
  assert.deepEqual(spec.devices.map((d) => [d.hostPath, d.at?.path]), [['/dev/vda', 'Settings.Devices[0]']]);
  assert.deepEqual(spec.mounts.map((m) => [m.source, m.target, m.readOnly, m.at?.path]), [['/etc', '/host', false, 'Settings.Mounts[0]']]);
  assert.deepEqual(spec.env, ['DEBUG=0']);
});

test('a mount the settings re-point is judged as set, and the config\'s own source too when it differs', () => {
  const p = parseEngine(PluginInspectSchema, raw, 'plugin inspect');
  const config = p.Config?.Mounts?.[0];
  assert.ok(config);
  config.Source = '/';
  const spec = pluginOverSpec(p, blankSpec('inspect', 'plugin', 'plugin'));
  assert.deepEqual(spec.mounts.map((m) => [m.source, m.at?.path]), [['/etc', 'Settings.Mounts[0]'], ['/', 'Config.Mounts[0]']]);
});
