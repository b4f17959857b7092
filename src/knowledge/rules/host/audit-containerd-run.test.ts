import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './audit-containerd-run.ts';
import { auditCases, factsWith } from './test-support/rule-cases.ts';
import { fileFact } from '../test-support/fixtures.ts';

auditCases(rule, '/run/containerd', { type: 'directory' });

test('a watch on /var/run/containerd covers /run/containerd (the same directory)', () => {
  const facts = factsWith([fileFact('/run/containerd', { type: 'directory' })], { host: { audit: { sources: [], watchedPaths: new Set(['/var/run/containerd']), available: true } } });
  assert.deepEqual(rule.check(facts), []);
});
