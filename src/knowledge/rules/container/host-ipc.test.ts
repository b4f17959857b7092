import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './host-ipc.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags a container sharing the host ipc namespace, at its location', () => {
  const out = rule.check(containerFacts({ namespaces: { ipc: 'host' }, where: { 'namespaces.ipc': { path: 'X.ipc' } } }));
  assert.ok(Array.isArray(out));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'X.ipc' });
});

test('passes a private or container-shared ipc namespace', () => {
  assert.deepEqual(rule.check(containerFacts({ namespaces: { ipc: '' } })), []);
  assert.deepEqual(rule.check(containerFacts({ namespaces: { ipc: 'container:abc' } })), []);
});
