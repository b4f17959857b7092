import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './admin-port-exposed.ts';
import { issues, lintFacts } from '../test-support/container-cases.ts';
import { containerFacts, daemonSpec, defaultOptions, option } from '../test-support/fixtures.ts';

const port = (containerPort: number, hostIp = '') => ({ ports: [{ containerPort, protocol: 'tcp' as const, hostIp, hostPort: containerPort }] });

test('PostgreSQL, Redis and the Engine API on all interfaces: high, naming the service', () => {
  for (const [p, name] of [[5432, 'PostgreSQL'], [6379, 'Redis'], [2375, 'Docker Engine API'], [22, 'SSH']] as const) {
    const out = issues(rule, lintFacts(port(p)));
    assert.equal(out.length, 1, String(p));
    assert.match(out[0]?.message ?? '', new RegExp(`publishes ${name}.*on all interfaces`));
  }
  assert.equal(issues(rule, lintFacts(port(27017, '0.0.0.0'))).length, 1);
});

test('loopback, a specific address, an ordinary port or the daemon\'s ip default: no finding', () => {
  assert.deepEqual(issues(rule, lintFacts(port(5432, '127.0.0.1'))), []);
  assert.deepEqual(issues(rule, lintFacts(port(5432, '10.0.0.5'))), []);
  assert.deepEqual(issues(rule, lintFacts(port(8080))), []);
  const daemon = daemonSpec({ optionList: [...defaultOptions(), option('ip', '127.0.0.1')] });
  assert.deepEqual(issues(rule, containerFacts(port(5432), { daemon })), []);
});
