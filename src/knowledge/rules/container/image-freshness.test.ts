import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './image-freshness.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('always one info naming the reference, how it is pinned and the build date', () => {
  const out = issues(rule, containerFacts());
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(out[0]?.message ?? '', /registry\.example\/app:1\.2\.3 \(tag 1\.2\.3\), built 2026-11-01/);
  assert.match(issues(rule, containerFacts({ image: 'nginx' }))[0]?.message ?? '', /mutable tag latest/);
  assert.match(issues(rule, containerFacts({ image: `nginx@sha256:${'b'.repeat(64)}` }))[0]?.message ?? '', /pinned by digest/);
  assert.match(issues(rule, containerFacts({ image: 'localhost:5000/app' }))[0]?.message ?? '', /latest/);
});
