import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './add-instruction.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues, reason } from '../test-support/container-cases.ts';

const now = new Date('2026-11-22T00:00:00Z');
const withHistory = (...createdBy: string[]): ReturnType<typeof imageSpec> => imageSpec({ history: createdBy.map((c) => ({ createdBy: c, size: 0 })) });

test('flags ADD steps (classic and BuildKit records)', () => {
  const out = issues(rule, { image: withHistory('ADD https://example.com/x.tgz /opt/ # buildkit', '/bin/sh -c #(nop) ADD file:abc in /app/ ', '/bin/sh -c #(nop) ADD file:base in / '), now });
  assert.equal(out.length, 2);
  assert.match(out[1]?.message ?? '', /step 2 uses ADD file:abc in \/app\//);
});

test("does not count the base image's root file system (the oldest step, ADD file:... in /), nor COPY", () => {
  assert.deepEqual(issues(rule, { image: withHistory('/bin/sh -c #(nop) COPY file:abc in /app ', '/bin/sh -c #(nop) ADD file:base in / '), now }), []);
});

test('not applicable without the history', () => {
  assert.ok(reason(rule, { image: imageSpec(), now }).length > 0);
});
