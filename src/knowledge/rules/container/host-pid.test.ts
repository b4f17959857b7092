import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './host-pid.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags a container sharing the host pid namespace, at its location', () => {
  const out = rule.check(containerFacts({ namespaces: { pid: 'host' }, where: { 'namespaces.pid': { path: 'X.pid' } } }));
  assert.ok(Array.isArray(out));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]?.at, { path: 'X.pid' });
});

test('passes a private or container-shared pid namespace', () => {
  assert.deepEqual(rule.check(containerFacts({ namespaces: { pid: '' } })), []);
  assert.deepEqual(rule.check(containerFacts({ namespaces: { pid: 'container:abc' } })), []);
});
