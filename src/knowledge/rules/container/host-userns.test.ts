import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './host-userns.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags a container sharing the host userns namespace, at its location', () => {
  const out = rule.check(containerFacts({ namespaces: { userns: 'host' }, where: { 'namespaces.userns': { path: 'X.userns' } } }));
  assert.ok(Array.isArray(out));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'X.userns' });
});

test('passes a private or container-shared userns namespace', () => {
  assert.deepEqual(rule.check(containerFacts({ namespaces: { userns: '' } })), []);
  assert.deepEqual(rule.check(containerFacts({ namespaces: { userns: 'container:abc' } })), []);
});
