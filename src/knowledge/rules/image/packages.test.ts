import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './packages.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('one info per image pointing at the inventory to come, with the build step count when read', () => {
  assert.match(issues(rule, { image: imageSpec({ history: [{ createdBy: 'x', size: 1 }] }), now })[0]?.message ?? '', /1 build steps/);
  assert.match(issues(rule, { image: imageSpec(), now })[0]?.message ?? '', /history not read/);
});
