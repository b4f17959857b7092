import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as moat from './index.ts';

test('the library exposes versioning.<scheme>.compare returning -1, 0 or 1 for every scheme', () => {
  const pairs: Record<string, [string, string]> = {
    apk: ['1.2.3-r0', '1.2.3-r1'],
    dpkg: ['1:1.0-1', '2:0.1-1'],
    go: ['v1.2.3', 'v1.10.0'],
    maven: ['1.0-SNAPSHOT', '1.0'],
    pep440: ['1.0.dev1', '1.0'],
    rpm: ['1.0-1.el9', '1.0-1.el9_2'],
    semver: ['1.0.0-rc.1', '1.0.0'],
  };
  assert.deepEqual(Object.keys(moat.versioning.SCHEMES).sort(), Object.keys(pairs).sort());
  for (const [name, [a, b]] of Object.entries(pairs)) {
    const scheme = moat.versioning[name as moat.versioning.SchemeName];
    assert.deepEqual([scheme.compare(a, b), scheme.compare(b, a), scheme.compare(a, a)], [-1, 1, 0], name);
  }
  assert.equal(typeof moat.matchInventory, 'function');
  assert.equal(typeof moat.importPaths, 'function');
  assert.equal(moat.scoreVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N').baseScore, 9.1);
});
