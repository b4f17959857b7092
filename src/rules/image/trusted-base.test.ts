import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './trusted-base.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('one info per image saying where it came from', () => {
  const local = issues(rule, { image: imageSpec(), now });
  assert.equal(local.length, 1);
  assert.equal(local[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(local[0]?.message ?? '', /no repo digest/);
  const pulled = issues(rule, { image: imageSpec({ repoDigests: ['debian@sha256:' + 'c'.repeat(64)], labels: { 'org.opencontainers.image.base.name': 'docker.io/library/debian:12' } }), now });
  assert.match(pulled[0]?.message ?? '', /pulled as debian@sha256:c+; base docker\.io\/library\/debian:12/);
});
