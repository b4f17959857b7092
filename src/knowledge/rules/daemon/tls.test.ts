import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule, { isTcpHost } from './tls.ts';
import { option } from '../test-support/fixtures.ts';
import { assertNeedsLocal, factsWith, issues, optionsWith } from './test-support/cases.ts';

const certs = [option('tlscacert', '/etc/docker/ca.pem'), option('tlscert', '/etc/docker/cert.pem'), option('tlskey', '/etc/docker/key.pem')];

test('a TCP socket without TLS is critical, one issue per TCP host, at the hosts option', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('hosts', ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2375', ':2376'])) }));
  assert.equal(out.length, 2);
  assert.deepEqual(
    out.map((i) => i.severity),
    ['critical', 'critical'],
  );
  assert.match(out[0]?.message ?? '', /tcp:\/\/0\.0\.0\.0:2375 without TLS/);
  assert.equal(out[0]?.at?.path, 'hosts');
});

test('TLS without verification is still open to anyone who reaches the port', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('hosts', ['tcp://0.0.0.0:2376']), option('tls', true), ...certs) }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'critical');
  assert.match(out[0]?.message ?? '', /without client certificate verification/);
});

test('loopback-only TCP without TLS is high rather than critical', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('hosts', ['tcp://127.0.0.1:2375'])) }));
  assert.equal(out[0]?.severity, 'high');
});

test('tlsverify without the certificate paths fails at the rule severity, naming what is missing', () => {
  const out = issues(rule, factsWith({ optionList: optionsWith(option('hosts', ['tcp://0.0.0.0:2376'], 'argv'), option('tlsverify', true, 'argv')) }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, undefined);
  assert.match(out[0]?.message ?? '', /tlscacert, tlscert, tlskey not set/);
});

test('tlsverify with CA, certificate and key passes', () => {
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith(option('hosts', ['tcp://0.0.0.0:2376', 'fd://']), option('tlsverify', true), ...certs) })), []);
});

test('no TCP host passes', () => {
  assert.deepEqual(issues(rule, factsWith()), []);
  assert.deepEqual(issues(rule, factsWith({ optionList: optionsWith(option('hosts', ['fd://', 'unix:///run/docker.sock'])) })), []);
});

test('addresses without a scheme are TCP, as dockerd reads them', () => {
  assert.equal(isTcpHost('0.0.0.0:2375'), true);
  assert.equal(isTcpHost('tcp://[::]:2375'), true);
  assert.equal(isTcpHost('unix:///var/run/docker.sock'), false);
  assert.equal(isTcpHost('fd://'), false);
});

test('needs the daemon configuration', () => assertNeedsLocal(rule));
