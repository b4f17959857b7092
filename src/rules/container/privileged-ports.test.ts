import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './privileged-ports.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('flags host ports below 1024 at their binding', () => {
  const out = issues(rule, containerFacts({ ports: [{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 80, at: { path: 'HostConfig.PortBindings["8080/tcp"][0]' } }] }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /port 80 \(127\.0\.0\.1:80->8080\/tcp\)/);
  assert.deepEqual(out[0]?.at, { path: 'HostConfig.PortBindings["8080/tcp"][0]' });
});

test('passes 1024 and above, and ephemeral ports', () => {
  const out = issues(rule, containerFacts({ ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: 1024 }, { containerPort: 53, protocol: 'udp', hostIp: '', hostPort: undefined }, { containerPort: 22, protocol: 'tcp', hostIp: '', hostPort: 0 }] }));
  assert.deepEqual(out, []);
});
