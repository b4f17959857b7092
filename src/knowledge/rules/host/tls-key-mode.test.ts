import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './tls-key-mode.ts';
import { modeCases, factsWith, issuesOf, reasonOf } from './test-support/rule-cases.ts';
import { daemonSpec, fileFact, option } from '../test-support/fixtures.ts';

const daemon = daemonSpec({ optionList: [option('tlsverify', true), option('tlscacert', '/etc/docker/tls/ca.pem'), option('tlscert', '/etc/docker/tls/server.pem'), option('tlskey', '/etc/docker/tls/server-key.pem')] });

modeCases(rule, '/etc/docker/tls/server-key.pem', 0o400, { daemon });

test('does not apply when the daemon does not use TLS', () => {
  assert.match(reasonOf(rule.check(factsWith([]))), /no tlskey option/);
});

test('0600 is not 0400, and a key others can read is reported', () => {
  assert.equal(issuesOf(rule.check(factsWith([fileFact('/etc/docker/tls/server-key.pem', { mode: 0o600 })], { daemon }))).length, 1);
  assert.match(issuesOf(rule.check(factsWith([fileFact('/etc/docker/tls/server-key.pem', { mode: 0o644 })], { daemon })))[0]!.message, /others read/);
});
