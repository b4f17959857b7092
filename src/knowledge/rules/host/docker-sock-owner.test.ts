import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './docker-sock-owner.ts';
import type { FileFact } from '../../../models/host-spec.ts';
import { ownerCases, factsWith, issuesOf } from './test-support/rule-cases.ts';
import { daemonSpec, fileFact, option } from '../test-support/fixtures.ts';

ownerCases(rule, '/var/run/docker.sock', { type: 'socket', mode: 0o660 });

test('passes root:docker, by name or by the docker group id', () => {
  const sock = (over: Partial<FileFact>) => factsWith([fileFact('/var/run/docker.sock', { type: 'socket', mode: 0o660, ...over })]);
  assert.deepEqual(rule.check(sock({ gid: 998, group: 'docker' })), []);
  assert.deepEqual(rule.check(sock({ gid: 998, group: undefined })), []);
});

test('judges every unix socket the hosts option names', () => {
  const daemon = daemonSpec({ optionList: [option('hosts', ['fd://', 'unix:///srv/docker.sock', 'tcp://127.0.0.1:2376'], 'argv')] });
  const facts = factsWith([fileFact('/var/run/docker.sock', { type: 'socket', group: 'docker', gid: 998 }), fileFact('/srv/docker.sock', { type: 'socket', uid: 1000, user: 'alice' })], { daemon });
  const out = issuesOf(rule.check(facts));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]!.at, { file: '/srv/docker.sock' });
});
