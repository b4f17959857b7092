import { test } from 'node:test';
import assert from 'node:assert/strict';
import nodeSemver from 'semver';
import { semver } from './index.ts';
import { assertAllEqual, assertAscending, assertRejected } from '../test-support/conformance.ts';
import { rng } from '../../test-support/rng.ts';

test('orders as SemVer 2.0.0 section 11 spells it out', () => {
  assertAscending(semver, [
    '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1',
    '1.0.0', '1.0.1', '1.1.0', '1.10.0', '2.0.0',
  ]);
  assertAllEqual(semver, ['1.0.0', 'v1.0.0', ' 1.0.0 ', '1.0.0+build.1', '1.0.0+other']);
});

test('agrees with node-semver (the npm CLI\'s own) on thousands of generated versions', () => {
  const pick = rng(42);
  const n = (): string => String([0, 1, 2, 9, 10, 11, 99][Math.floor(pick() * 7)]);
  const ident = (): string => ['alpha', 'beta', 'rc', '0', '1', '2', '10', 'x-y', 'a1', '1a'][Math.floor(pick() * 10)] as string;
  const version = (): string => {
    let v = `${n()}.${n()}.${n()}`;
    if (pick() < 0.5) v += '-' + Array.from({ length: 1 + Math.floor(pick() * 3) }, ident).join('.');
    if (pick() < 0.2) v += '+build.' + n();
    return v;
  };
  const versions = Array.from({ length: 400 }, version);
  const wrong: string[] = [];
  for (let i = 0; i < 4000; i++) {
    const a = versions[Math.floor(pick() * versions.length)] as string;
    const b = versions[Math.floor(pick() * versions.length)] as string;
    const want = nodeSemver.compare(a, b);
    if (semver.compare(a, b) !== want) wrong.push(`${a} vs ${b}: node-semver ${want}`);
  }
  assert.deepEqual(wrong, []);
  for (const odd of ['1.2', '01.2.3', '1.2.3-01', '1.2.3-', '1.2.3+', 'a.b.c', `1.2.${'9'.repeat(17)}`]) {
    assert.equal(semver.isValid(odd), nodeSemver.valid(odd) !== null, odd);
  }
});

test('refuses loose forms node-semver refuses in strict mode', () => {
  for (const bad of ['', '1.2', '01.2.3', '1.2.3-01', '1.2.3.4', '=1.2.3']) assertRejected(semver, bad, '1.0.0');
});
