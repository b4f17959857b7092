import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './audit-containerd-sock.ts';
import { auditCases, factsWith, issuesOf } from './test-support/rule-cases.ts';
import { fileFact } from '../test-support/fixtures.ts';

auditCases(rule, '/run/containerd/containerd.sock', { type: 'socket' });

test("the engine's bundled containerd socket is judged when no system containerd runs", () => {
  const facts = factsWith([{ path: '/run/containerd/containerd.sock', exists: false }, fileFact('/run/docker/containerd/containerd.sock', { type: 'socket' })]);
  assert.match(issuesOf(rule.check(facts))[0]!.message, /\/run\/docker\/containerd\/containerd.sock/);
});

test('a watch on the directory above covers the socket', () => {
  const facts = factsWith([fileFact('/run/containerd/containerd.sock', { type: 'socket' })], { host: { audit: { sources: [], watchedPaths: new Set(['/run/containerd']), available: true } } });
  assert.deepEqual(rule.check(facts), []);
});
