import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule, { MAX_NODE_CERT_HOURS } from './swarm-node-cert-expiry.ts';
import { issues, swarmFacts } from './test-support/cases.ts';

const HOUR_NS = 3_600_000_000_000;

test('the default 90 days and shorter pass', () => {
  assert.deepEqual(issues(rule, swarmFacts({ nodeCertExpiryNs: MAX_NODE_CERT_HOURS * HOUR_NS })), []);
  assert.deepEqual(issues(rule, swarmFacts({ nodeCertExpiryNs: 720 * HOUR_NS })), []);
});

test('a longer period fails, naming it and the command', () => {
  const out = issues(rule, swarmFacts({ nodeCertExpiryNs: 8760 * HOUR_NS }));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /live 8760h, longer than 2160h .*--cert-expiry 2160h/);
});
