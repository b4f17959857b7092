import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as moat from './index.ts';
import { SCHEMES } from './knowledge/vuln/versioning/index.ts';

test('the library exposes versioning.<scheme> for every scheme, and the vulnerability API', () => {
  assert.deepEqual(Object.keys(moat.versioning.SCHEMES), Object.keys(SCHEMES));
  assert.equal(moat.versioning.dpkg.compare('1:0.1-1', '2.0-1'), 1);
  assert.equal(moat.versioning.pep440.compare('1.0.dev1', '1.0'), -1);
  for (const fn of [moat.matchInventory, moat.importPaths, moat.updateDatabase, moat.scanInventory, moat.readSbom, moat.readVex]) assert.equal(typeof fn, 'function');
  assert.equal(moat.scoreVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N').baseScore, 9.1);
});
