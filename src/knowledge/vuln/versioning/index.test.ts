import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { SCHEMES, schemeByName } from './index.ts';

test('the registry lists exactly the scheme folders, each under its own name', () => {
  const folders = readdirSync(import.meta.dirname, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'test-support')
    .map((e) => e.name)
    .sort();
  assert.deepEqual(Object.keys(SCHEMES).sort(), folders);
  for (const [key, scheme] of Object.entries(SCHEMES)) assert.equal(scheme.name, key);
});

test('every scheme meets the contract: -1 | 0 | 1, antisymmetric, and a TypeError for the empty version', () => {
  const samples: Record<string, [string, string]> = {
    apk: ['1.2.3-r0', '1.2.4-r0'],
    dpkg: ['1:1.2-1', '1:1.2-2'],
    go: ['v1.2.3', 'v1.10.0'],
    maven: ['1.0-alpha-1', '1.0'],
    pep440: ['1.0rc1', '1.0'],
    rpm: ['1.0-1.el9', '1.0-2.el9'],
    semver: ['1.0.0-rc.1', '1.0.0'],
  };
  for (const [name, scheme] of Object.entries(SCHEMES)) {
    const [low, high] = samples[name] as [string, string];
    assert.equal(scheme.compare(low, high), -1, name);
    assert.equal(scheme.compare(high, low), 1, name);
    assert.equal(scheme.compare(low, low), 0, name);
    assert.equal(scheme.isValid(''), false, name);
    assert.throws(() => scheme.compare('', high), TypeError, name);
  }
  assert.equal(schemeByName('dpkg'), SCHEMES.dpkg);
  assert.equal(schemeByName('toString'), undefined);
});
