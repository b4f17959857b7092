import { test } from 'node:test';
import assert from 'node:assert/strict';
import { go } from './index.ts';
import { assertAllEqual, assertAscending, assertRejected } from '../test-support/conformance.ts';

test('orders module versions and pseudo-versions as golang.org/x/mod/semver does', () => {
  assertAscending(go, [
    'v0.0.0-20191109021931-daa7c04131f5',
    'v0.0.0-20200101000000-000000000000',
    'v0.0.1',
    'v0.1.0-rc.1',
    'v0.1.0',
    'v1.2.3',
    'v1.10.0',
    'v1.10.1-0.20230101000000-abcdefabcdef',
    'v1.10.1',
    'v2.0.0-beta.1',
    'v2.0.0',
  ]);
  // `+incompatible` is build metadata; `v1` and `v1.2` are shorthands; OSV writes versions without the v.
  assertAllEqual(go, ['v2.0.0', 'v2.0.0+incompatible', '2.0.0', 'v2', 'v2.0']);
});

test('orders Go toolchain versions (the stdlib and toolchain entries) as x/vuln maps release tags', () => {
  assertAscending(go, ['go1.9beta2', 'go1.9rc1', 'go1.9', 'go1.9.1', 'go1.20', 'go1.21rc2', 'go1.21.0', 'go1.21.3', 'go1.22.0']);
  assertAllEqual(go, ['go1.21.0', 'go1.21', '1.21.0', 'v1.21.0']);
  assert.equal(go.compare('go1.22rc1', '1.22.0-rc.1'), 0);
  assert.equal(go.compare('go1', '1.0.0'), 0);
});

test('refuses what is neither a module version nor a release tag', () => {
  for (const bad of ['', 'v1.2.3.4', 'go1.x', 'vX', 'v01.2.3', 'latest', 'go']) assertRejected(go, bad, 'v1.0.0');
});
