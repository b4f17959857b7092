import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pep440 } from './index.ts';
import { assertAllEqual, assertAscending, assertRejected } from '../test-support/conformance.ts';
import { rng } from '../../test-support/rng.ts';

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

test("agrees with @renovatebot/pep440's own compare on thousands of generated versions", async () => {
  const { compare: reference, valid } = await import('@renovatebot/pep440');
  const random = rng(7);
  const pick = (n: number): number => Math.floor(random() * n);
  const part = (xs: readonly string[]): string => xs[pick(xs.length)] as string;
  const version = (): string =>
    `${part(['', '', '', '1!'])}${part(['1', '1.0', '1.0.0', '2', '1.1', '10.2'])}${part(['', '', 'a1', 'b2', 'rc1', 'c3', '.dev0', 'a1.dev1'])}${part(['', '', '.post1', '-2', '.post0.dev3'])}${part(['', '', '', '+abc', '+1.2', '+abc.5', '+5.abc'])}`;
  const versions = Array.from({ length: 400 }, version).filter((v) => valid(v) !== null);
  assert.ok(versions.length > 200);
  const wrong: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const a = versions[pick(versions.length)] as string;
    const b = versions[pick(versions.length)] as string;
    const want = Math.sign(reference(a, b));
    if (pep440.compare(a, b) !== want) wrong.push(`${a} vs ${b}: library says ${want}`);
  }
  assert.deepEqual(wrong, []);
});
