import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './host-network-listening.ts';
import { issues, lintFacts } from '../test-support/container-cases.ts';
import { inPicture, member, picture } from '../test-support/network.ts';

const host = { namespaces: { network: 'host' }, networks: ['host'] };

test('on the host network with an exposed port (picture) or a port mapping (no picture): high', () => {
  const c = member('h', { ...host, ports: [] });
  const p = picture([c], [{ name: 'host' }]);
  p.members[0]!.exposed.push({ containerPort: 9999, protocol: 'tcp' });
  const [f] = issues(rule, inPicture(c, p));
  assert.match(f?.message ?? '', /host network and listens on host:9999\/tcp/);
  assert.match(issues(rule, lintFacts({ ...host, ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: 80 }] }))[0]?.message ?? '', /host:80\/tcp/);
});

test('not on the host network, or listening on nothing: no finding', () => {
  assert.deepEqual(issues(rule, lintFacts()), []);
  const c = member('h', { ...host, ports: [] });
  assert.deepEqual(issues(rule, inPicture(c, picture([c], [{ name: 'host' }]))), []);
});
