import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './ulimits.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('lists ulimit overrides for review (info)', () => {
  const out = issues(rule, containerFacts({ resources: { ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }] } }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(out[0]?.message ?? '', /nofile=1024:2048/);
});

test('passes a container that keeps the daemon defaults', () => {
  assert.deepEqual(issues(rule, containerFacts()), []);
});
