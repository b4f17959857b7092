import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeEntryPath } from './paths.ts';

test('archive names become paths inside the root', () => {
  const ok = (name: string) => {
    const r = normalizeEntryPath(name);
    assert.ok(r.ok, name);
    return r.path;
  };
  assert.equal(ok('./etc/passwd'), 'etc/passwd');
  assert.equal(ok('/etc//passwd'), 'etc/passwd');
  assert.equal(ok('usr/lib/../bin/./sh'), 'usr/bin/sh');
  assert.equal(ok('./'), '');
});

test('names that climb out, hold NUL bytes or exceed PATH_MAX are refused', () => {
  for (const [name, why] of [
    ['../etc/passwd', /climbs above/],
    ['a/../../etc', /climbs above/],
    ['etc/\0passwd', /NUL/],
    [`${'a/'.repeat(2100)}x`, /longer than 4096 bytes/],
  ] as const) {
    const r = normalizeEntryPath(name);
    assert.equal(r.ok, false, name.slice(0, 40));
    if (!r.ok) assert.match(r.reason, why);
  }
});
