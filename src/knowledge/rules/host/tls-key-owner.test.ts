import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './tls-key-owner.ts';
import { ownerCases, factsWith, reasonOf } from './test-support/rule-cases.ts';
import { daemonSpec, option } from '../test-support/fixtures.ts';

const daemon = daemonSpec({ optionList: [option('tlsverify', true), option('tlscacert', '/etc/docker/tls/ca.pem'), option('tlscert', '/etc/docker/tls/server.pem'), option('tlskey', '/etc/docker/tls/server-key.pem')] });

ownerCases(rule, '/etc/docker/tls/server-key.pem', { daemon, mode: 0o400 });

test('does not apply when the daemon does not use TLS', () => {
  assert.match(reasonOf(rule.check(factsWith([]))), /no tlskey option/);
});
