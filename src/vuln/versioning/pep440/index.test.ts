import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pep440 } from './index.ts';
import { assertAllEqual, assertAscending, assertRejected } from '../test-support/conformance.ts';

test("orders as packaging's own test suite orders its version list (tests/test_version.py)", () => {
  assertAscending(pep440, [
    '1.0.dev456',
    '1.0a1',
    '1.0a2.dev456',
    '1.0a12.dev456',
    '1.0a12',
    '1.0b1.dev456',
    '1.0b2',
    '1.0b2.post345.dev456',
    '1.0b2.post345',
    '1.0c1.dev456',
    '1.0c1',
    '1.0rc2',
    '1.0c3',
    '1.0',
    '1.0.post456.dev34',
    '1.0.post456',
    '1.1.dev1',
    '1.2+123abc',
    '1.2+123abc456',
    '1.2+abc',
    '1.2+abc123',
    '1.2+abc123def',
    '1.2+1234.abc',
    '1.2+123456',
    '1.2.r32+123456',
    '1.2.rev33+123456',
    '1!1.0.dev456',
    '1!1.0a1',
    '1!1.0',
    '1!1.2.rev33+123456',
  ]);
});

test('treats the spellings PEP 440 normalises as one version', () => {
  assertAllEqual(pep440, ['1.0rc1', '1.0-rc1', '1.0.rc.1', '1.0RC1', '1.0c1', '1.0-c-1', 'v1.0rc1', ' 1.0rc1 ', '0!1.0rc1', '1.0.0rc1']);
  assertAllEqual(pep440, ['1.0.post1', '1.0-1', '1.0post1', '1.0.rev1', '1.0-r1', '1.0.POST1']);
  assertAllEqual(pep440, ['1.0a1', '1.0alpha1', '1.0.a.1', '1.0-alpha.1']);
  assert.equal(pep440.compare('2.0', '1!1.0'), -1);
  assert.equal(pep440.compare('1.0.dev1', '1.0a0'), -1);
  assert.equal(pep440.compare('1.10', '1.9'), 1);
});

test('refuses what is not a PEP 440 version', () => {
  for (const bad of ['', 'french toast', '1.0+', '1.0.dev1.dev2', '1..0', '1.0-', 'x'.repeat(300)]) assertRejected(pep440, bad, '1.0');
});
