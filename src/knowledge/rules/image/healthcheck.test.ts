import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './healthcheck.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('flags an image without HEALTHCHECK, or with HEALTHCHECK NONE', () => {
  assert.match(issues(rule, { image: imageSpec({ healthcheck: undefined }), now })[0]?.message ?? '', /has no HEALTHCHECK/);
  assert.match(issues(rule, { image: imageSpec({ healthcheck: { test: ['NONE'], disabled: true } }), now })[0]?.message ?? '', /disables/);
});

test('passes an image with a HEALTHCHECK', () => {
  assert.deepEqual(issues(rule, { image: imageSpec(), now }), []);
});
