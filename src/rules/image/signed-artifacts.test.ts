import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './signed-artifacts.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('one info per image saying signatures were not checked, with the digests it was pulled by', () => {
  const out = issues(rule, { image: imageSpec({ repoDigests: ['app@sha256:' + 'd'.repeat(64)] }), now: new Date() });
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(out[0]?.message ?? '', /signature and content trust not checked/);
  assert.match(out[0]?.evidence ?? '', /app@sha256:d+/);
});
