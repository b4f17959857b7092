import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './user.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('flags an image without USER or with USER root/0', () => {
  assert.match(issues(rule, { image: imageSpec({ user: undefined }), now })[0]?.message ?? '', /has no USER/);
  assert.equal(issues(rule, { image: imageSpec({ user: '0:0' }), now }).length, 1);
  assert.equal(issues(rule, { image: imageSpec({ user: 'root' }), now }).length, 1);
});

test('passes an unprivileged USER', () => {
  assert.deepEqual(issues(rule, { image: imageSpec(), now }), []);
  assert.deepEqual(issues(rule, { image: imageSpec({ user: 'app' }), now }), []);
});
