import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dpkg } from './dpkg/index.ts';
import { inRange, inSortedVersions, inVersions } from './range.ts';
import { semver } from './semver/index.ts';

const within = (version: string, events: object[]): boolean => inRange(semver, version, events);

test('introduced and fixed: affected from introduced (inclusive) to fixed (exclusive)', () => {
  const events = [{ introduced: '1.2.0' }, { fixed: '1.4.0' }];
  assert.deepEqual(['1.1.9', '1.2.0', '1.3.9', '1.4.0-rc.1', '1.4.0', '2.0.0'].map((v) => within(v, events)), [false, true, true, true, false, false]);
  assert.equal(within('0.0.1', [{ introduced: '0' }]), true, 'introduced "0" is before every version');
  assert.equal(within('0.0.0', [{ introduced: '0' }, { fixed: '0.0.1' }]), true);
});

test('last_affected is inclusive; limit bounds the range from above, "*" is no bound', () => {
  const last = [{ introduced: '0' }, { last_affected: '1.4.0' }];
  assert.deepEqual(['1.4.0', '1.4.1'].map((v) => within(v, last)), [true, false]);
  assert.deepEqual(['1.9.0', '2.0.0'].map((v) => within(v, [{ introduced: '0' }, { limit: '2.0.0' }])), [true, false]);
  assert.equal(within('9.0.0', [{ introduced: '0' }, { limit: '*' }]), true);
});

test('events are ordered by version, whatever their order in the record; several intervals are allowed', () => {
  const events = [{ fixed: '3.1.0' }, { introduced: '3.0.0' }, { fixed: '1.5.0' }, { introduced: '1.0.0' }];
  assert.deepEqual(['0.9.0', '1.2.0', '1.5.0', '2.5.0', '3.0.5', '3.1.0'].map((v) => within(v, events)), [false, true, false, false, true, false]);
  // A fix and a re-introduction in the same version: the timeline order decides.
  assert.equal(within('2.0.0', [{ introduced: '0' }, { fixed: '2.0.0' }, { introduced: '2.0.0' }]), true);
  assert.equal(within('2.0.0', [{ introduced: '2.0.0' }, { fixed: '2.0.0' }]), false);
});

test('orders with the scheme: epochs and ~ under dpkg', () => {
  const events = [{ introduced: '0' }, { fixed: '1:1.0-1' }];
  assert.equal(inRange(dpkg, '2.0-1', events), true, 'no epoch is older than epoch 1');
  assert.equal(inRange(dpkg, '1:1.0-1~deb12u1', events), true, '~ sorts before the fixed version');
  assert.equal(inRange(dpkg, '1:1.0-1+deb12u1', events), false);
});

test('refuses versions and events it cannot evaluate', () => {
  assert.throws(() => within('not-a-version', [{ introduced: '0' }]), /semver: invalid version "not-a-version"/);
  assert.throws(() => within('1.0.0', [{ introduced: '0', fixed: '1.0.0' }]), /exactly one of/);
  assert.throws(() => within('1.0.0', [{}]), /exactly one of/);
});

test('versions lists match equal versions under the scheme, and unreadable entries only as identical text', () => {
  assert.equal(inVersions(dpkg, '0:1.0-1', ['0.9-1', '1.0-1']), true);
  assert.equal(inVersions(dpkg, '1.0-2', ['1.0-1']), false);
  assert.equal(inVersions(semver, 'v1.2.3', ['1.2.3']), true);
  assert.equal(inVersions(semver, 'weird', ['weird']), true);
  assert.equal(inVersions(semver, '1.0.0', ['weird']), false);
});

test('sorted versions lists are searched by bisection with the same answers as a scan', async () => {
  const { sortedVersions } = await import('../osv/normalize.ts');
  const listed = ['1:0.9-1', '1.0-1', '0.5-2', '2.0~rc1-1', 'not a version', '2.0-1', '1.0-1+deb12u1'];
  const sorted = sortedVersions('Debian:12', listed);
  assert.deepEqual(sorted, ['0.5-2', '1.0-1', '1.0-1+deb12u1', '2.0~rc1-1', '2.0-1', '1:0.9-1', 'not a version']);
  for (const v of ['0:1.0-1', '1.0-1', '1.0-2', '2.0-1', '1:0.9-1', '0.1', '9:9', 'not a version', 'other text']) {
    assert.equal(inSortedVersions(dpkg, v, sorted), inVersions(dpkg, v, listed), v);
  }
});
