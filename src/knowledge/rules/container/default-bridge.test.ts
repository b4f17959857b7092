import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './default-bridge.ts';
import { containerFacts, daemonSpec, defaultOptions } from '../test-support/fixtures.ts';
import { issues, lintFacts } from '../test-support/container-cases.ts';

const bridge = { namespaces: { network: 'bridge' }, networks: ['bridge'] };

test('on docker0 with icc on (the default), medium, naming NET_RAW when kept', () => {
  const daemon = daemonSpec({ optionList: defaultOptions().filter((o) => o.key !== 'icc') });
  const out = issues(rule, containerFacts({ ...bridge, capDrop: [] }, { daemon }));
  assert.equal(out[0]?.severity, 'medium');
  assert.match(out[0]?.message ?? '', /icc on.*NET_RAW/);
});

test('on docker0 with icc off, low; unknown daemon, low saying so', () => {
  assert.equal(issues(rule, containerFacts(bridge))[0]?.severity, 'low');
  assert.match(issues(rule, lintFacts(bridge))[0]?.message ?? '', /not known here/);
});

test('passes user-defined networks and none', () => {
  assert.deepEqual(issues(rule, containerFacts()), []);
  assert.deepEqual(issues(rule, containerFacts({ namespaces: { network: 'none' }, networks: [] })), []);
});
