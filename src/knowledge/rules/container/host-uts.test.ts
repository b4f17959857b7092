import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './host-uts.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags a container sharing the host uts namespace, at its location', () => {
  const out = rule.check(containerFacts({ namespaces: { uts: 'host' }, where: { 'namespaces.uts': { path: 'X.uts' } } }));
  assert.ok(Array.isArray(out));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'X.uts' });
});

test('passes a private or container-shared uts namespace', () => {
  assert.deepEqual(rule.check(containerFacts({ namespaces: { uts: '' } })), []);
  assert.deepEqual(rule.check(containerFacts({ namespaces: { uts: 'container:abc' } })), []);
});
