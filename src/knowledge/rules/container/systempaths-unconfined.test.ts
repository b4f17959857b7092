import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './systempaths-unconfined.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './support/system-paths.ts';

test('systempaths=unconfined (both lists empty): /proc/sys writable is high, unmasked paths medium', () => {
  const out = issues(rule, containerFacts({ systemPaths: { masked: [], readonly: [] }, where: { systemPaths: { path: 'HostConfig.ReadonlyPaths' } } }));
  assert.deepEqual(out.map((i) => i.severity), ['high', 'medium']);
  assert.match(out[0]?.message ?? '', /\/proc\/sys.*core_pattern/);
  assert.deepEqual(out[0]?.at, { path: 'HostConfig.ReadonlyPaths' });
});

test('absent lists and the defaults pass; a privileged container is left to container-privileged', () => {
  assert.deepEqual(issues(rule, containerFacts()), []);
  assert.deepEqual(issues(rule, containerFacts({ systemPaths: { masked: [...DEFAULT_MASKED_PATHS], readonly: [...DEFAULT_READONLY_PATHS] } })), []);
  assert.deepEqual(issues(rule, containerFacts({ privileged: true, systemPaths: { masked: [], readonly: [] } })), []);
});

test('a shorter list opens only what it leaves out; a parent directory covers its children', () => {
  const out = issues(rule, containerFacts({ systemPaths: { readonly: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sysrq-trigger'] } }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /^\/proc\/sys is writable/);
  assert.deepEqual(issues(rule, containerFacts({ systemPaths: { readonly: ['/proc'] } })), []);
});
