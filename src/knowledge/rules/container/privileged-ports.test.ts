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

test('issue 12: a published range is one finding per mapping, whichever door held it port by port', async () => {
  const { containersFromCompose } = await import('../../../doors/compose/project.ts');
  const compose = containersFromCompose('services:\n  ftp:\n    image: x\n    ports:\n      - "20-21:20-21"\n      - "1-2000:1-2000/udp"\n      - "443:443"\n', { file: '/srv/c.yaml', env: {} });
  const out = issues(rule, containerFacts(compose.specs[0]));
  assert.deepEqual(out.map((i) => [i.at?.line, i.evidence]), [[5, '*:20-21->20-21/tcp (2 ports)'], [6, '*:1-1023->1-1023/udp (1023 ports)'], [7, '*:443->443/tcp']]);
  // The engine's PortBindings list each port of `-p 80-81:80-81` with its own path: still one mapping.
  const inspected = [80, 81].map((n) => ({ containerPort: n, protocol: 'tcp' as const, hostIp: '0.0.0.0', hostPort: n, at: { path: `HostConfig.PortBindings["${n}/tcp"][0]` } }));
  assert.deepEqual(issues(rule, containerFacts({ ports: inspected })).map((i) => [i.at?.path, i.message]), [['HostConfig.PortBindings["80/tcp"][0]', 'publishes privileged host ports 80-81 (0.0.0.0:80-81->80-81/tcp (2 ports))']]);
});
