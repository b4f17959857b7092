import { REMOTE } from './support/file-rules.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './docker-group-members.ts';
import { hostSpec, systemFacts } from '../test-support/fixtures.ts';
import { issuesOf, reasonOf } from './test-support/rule-cases.ts';

test('lists the docker group members for review, as info', () => {
  const out = issuesOf(rule.check(systemFacts({ host: hostSpec({ dockerGroup: { gid: 998, members: ['alice', 'ci'] } }) })));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /2 users are in the docker group and so root on this host: alice, ci/);
  assert.equal(out[0]!.evidence, 'docker:x:998:alice,ci');
  assert.equal(rule.meta.severity, 'info');
});

test('passes an empty docker group', () => {
  assert.deepEqual(rule.check(systemFacts({ host: hostSpec({ dockerGroup: { gid: 998, members: [] } }) })), []);
});

test('passes a host with no docker group: only root can use the socket', () => {
  assert.deepEqual(rule.check(systemFacts({ host: hostSpec({ dockerGroup: undefined }) })), []);
});

test('does not apply when the daemon is remote', () => {
  assert.equal(reasonOf(rule.check(systemFacts({ host: undefined }))), REMOTE);
});
