import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './host-network.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags a container sharing the host network namespace, at its location', () => {
  const out = rule.check(containerFacts({ namespaces: { network: 'host' }, where: { 'namespaces.network': { path: 'X.network' } } }));
  assert.ok(Array.isArray(out));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'X.network' });
});

test('passes a private or container-shared network namespace', () => {
  assert.deepEqual(rule.check(containerFacts({ namespaces: { network: '' } })), []);
  assert.deepEqual(rule.check(containerFacts({ namespaces: { network: 'container:abc' } })), []);
});
