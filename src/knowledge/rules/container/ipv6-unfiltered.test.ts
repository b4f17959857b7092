import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './ipv6-unfiltered.ts';
import { issues, reason } from '../test-support/container-cases.ts';
import { inPicture, member, picture } from '../test-support/network.ts';

const all = { ports: [{ containerPort: 80, protocol: 'tcp' as const, hostIp: '', hostPort: 8080 }] };

test('all interfaces with iptables on and ip6tables off (docker-proxy serves [::]): medium', () => {
  const c = member('web', all);
  const [f] = issues(rule, inPicture(c, picture([c])));
  assert.match(f?.message ?? '', /\*:8080->80\/tcp on IPv6 while the daemon filters only IPv4/);
  const v6 = member('v6', { ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '::', hostPort: 8080 }] });
  assert.equal(issues(rule, inPicture(v6, picture([v6], undefined, { userlandProxy: false }))).length, 1);
});

test('ip6tables on, an IPv4 address, loopback, or no proxy and no IPv6 network: no finding; unknown daemon: not applicable', () => {
  const c = member('web', all);
  assert.deepEqual(issues(rule, inPicture(c, picture([c], undefined, { ip6tables: true }))), []);
  assert.deepEqual(issues(rule, inPicture(c, picture([c], undefined, { userlandProxy: false }))), []);
  assert.equal(issues(rule, inPicture(c, picture([c], [{ name: 'app-net', ipv6: true }], { userlandProxy: false }))).length, 1);
  const v4 = member('v4', { ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }] });
  assert.deepEqual(issues(rule, inPicture(v4, picture([v4]))), []);
  const lo = member('lo');
  assert.deepEqual(issues(rule, inPicture(lo, picture([lo]))), []);
  assert.match(reason(rule, inPicture(c, picture([c], undefined, null))), /not known/);
});
