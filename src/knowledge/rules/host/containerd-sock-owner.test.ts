import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './containerd-sock-owner.ts';
import { ownerCases, factsWith, issuesOf } from './test-support/rule-cases.ts';
import { fileFact } from '../test-support/fixtures.ts';

ownerCases(rule, '/run/containerd/containerd.sock', { type: 'socket', mode: 0o660 });

test('a containerd socket in the docker group is not root:root', () => {
  const out = issuesOf(rule.check(factsWith([fileFact('/run/containerd/containerd.sock', { type: 'socket', mode: 0o660, gid: 998, group: 'docker' })])));
  assert.match(out[0]!.message, /owned by root:docker, expected root:root/);
});
