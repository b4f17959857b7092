import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './registry-certs-owner.ts';
import { ownerCases, factsWith, issuesOf, reasonOf } from './test-support/rule-cases.ts';
import { fileFact } from '../test-support/fixtures.ts';

ownerCases(rule, '/etc/docker/certs.d/registry.example:5000/ca.crt', { mode: 0o444 });

test('reports each bad certificate once, and only the bad ones', () => {
  const good = fileFact('/etc/docker/certs.d/a.example/ca.crt', { mode: 0o444 });
  const bad = fileFact('/etc/docker/certs.d/b.example:5000/client.key', { uid: 1000, user: 'alice' });
  const out = issuesOf(rule.check(factsWith([good, bad, fileFact('/etc/docker/certs.d/b.example:5000', { type: 'directory', mode: 0o755 })])));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]!.at, { file: '/etc/docker/certs.d/b.example:5000/client.key' });
});

test('does not apply when certs.d holds no certificates', () => {
  assert.match(reasonOf(rule.check(factsWith([]))), /no registry certificates/);
});
