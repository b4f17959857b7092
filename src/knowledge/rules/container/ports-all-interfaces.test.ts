import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './ports-all-interfaces.ts';
import { containerFacts, daemonSpec, defaultOptions, option } from '../test-support/fixtures.ts';
import { issues, lintFacts } from '../test-support/container-cases.ts';
import type { PortSpec } from '../../../models/container-spec.ts';

const port = (hostIp: string): PortSpec => ({ containerPort: 80, protocol: 'tcp', hostIp, hostPort: 8080 });

test('flags ports without an address and on the IPv4/IPv6 wildcards, and -P', () => {
  const out = issues(rule, containerFacts({ ports: [port(''), port('0.0.0.0'), port('::'), port('127.0.0.1')], publishAllPorts: true }));
  assert.equal(out.length, 4);
  assert.match(out[0]?.message ?? '', /\*:8080->80\/tcp on all interfaces/);
  assert.match(out[3]?.message ?? '', /-P/);
});

test("a daemon whose `ip` option names an address makes unaddressed ports bind there", () => {
  const daemon = daemonSpec({ optionList: [...defaultOptions(), option('ip', '127.0.0.1')] });
  assert.deepEqual(issues(rule, containerFacts({ ports: [port('')], publishAllPorts: true }, { daemon })), []);
  // An explicit 0.0.0.0 still binds everywhere.
  assert.equal(issues(rule, containerFacts({ ports: [port('0.0.0.0')] }, { daemon })).length, 1);
});

test('passes ports bound to one address, at every door', () => {
  assert.deepEqual(issues(rule, containerFacts({ ports: [port('127.0.0.1'), port('10.1.2.3'), port('::1')] })), []);
  assert.equal(issues(rule, lintFacts({ ports: [port('')] })).length, 1);
});

test('issue 12: one finding per published mapping, not per port of a range', () => {
  const range = Array.from({ length: 500 }, (_, i): PortSpec => ({ containerPort: 10000 + i, protocol: 'udp', hostIp: '', hostPort: 10000 + i, at: { file: 'compose.yaml', line: 7, column: 9 } }));
  const other: PortSpec = { containerPort: 10500, protocol: 'udp', hostIp: '', hostPort: 10500, at: { file: 'compose.yaml', line: 8, column: 9 } };
  const out = issues(rule, containerFacts({ ports: [...range, other] }));
  assert.deepEqual(out.map((i) => [i.at?.line, i.evidence]), [[7, '*:10000-10499->10000-10499/udp (500 ports)'], [8, '*:10500->10500/udp']]);
});
