import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './exposed-path.ts';
import { issues, noUsernsDaemon, reason } from '../test-support/container-cases.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { inPicture, member, picture } from '../test-support/network.ts';

const open = [{ containerPort: 80, protocol: 'tcp' as const, hostIp: '', hostPort: 8080 }];
const sock = { mounts: [{ type: 'bind' as const, source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: true }] };

test('exposed web → shared ICC network → container with the engine socket: critical, every hop named in order', () => {
  const web = member('web', { ports: open });
  const admin = member('admin', sock);
  const [f, ...more] = issues(rule, inPicture(web, picture([web, admin])));
  assert.equal(more.length, 0);
  assert.equal(rule.meta.severity, 'critical');
  assert.equal(f?.severity, undefined);
  assert.match(f?.message ?? '', /\*:8080->80\/tcp → web → network app-net \(ICC on\) → admin, which holds the engine socket \(\/var\/run\/docker\.sock at \/var\/run\/docker\.sock\) → the host/);
  assert.equal(f?.evidence, '*:8080->80/tcp → web → app-net → admin → holds the engine socket (/var/run/docker.sock at /var/run/docker.sock) → host');
});

test('privileged and breakout-path peers give the host too; the exposed container giving it itself is one hop shorter', () => {
  const web = member('web', { ports: open, privileged: true });
  const priv = member('priv', { privileged: true });
  const rootbind = member('rootbind', { user: '0', mounts: [{ type: 'bind', source: '/etc', target: '/host-etc', readOnly: false }] });
  // The fixture daemon remaps user namespaces (only the socket route stays open): this one does not.
  const out = issues(rule, { ...inPicture(web, picture([web, priv, rootbind])), daemon: noUsernsDaemon() });
  assert.equal(out.length, 3);
  assert.match(out[0]?.message ?? '', /itself gives the host: \*:8080->80\/tcp → web, which is privileged → the host/);
  assert.match(out[1]?.message ?? '', /→ priv, which is privileged/);
  assert.match(out[2]?.message ?? '', /→ rootbind, which has a breakout path \(writable host path/);
});

test('no path: loopback only, ICC off, internal-only, a stopped container, a peer that gives nothing', () => {
  const admin = member('admin', sock);
  const lo = member('lo');
  assert.deepEqual(issues(rule, inPicture(lo, picture([lo, admin]))), []);
  const web = member('web', { ports: open });
  assert.deepEqual(issues(rule, inPicture(web, picture([web, admin], [{ name: 'app-net', icc: false }]))), []);
  assert.deepEqual(issues(rule, inPicture(web, picture([web, admin], [{ name: 'app-net', internal: true }]))), []);
  const stopped = member('web', { ports: open, state: { status: 'exited', running: false, pid: 0, restartCount: 0, execIds: [] } });
  assert.deepEqual(issues(rule, inPicture(stopped, picture([stopped, admin]))), []);
  const plain = member('plain');
  assert.deepEqual(issues(rule, inPicture(web, picture([web, plain]))), []);
});

test('a network binding address or the daemon ip keeps ports without an address off the outside', () => {
  const web = member('web', { ports: open });
  const admin = member('admin', sock);
  assert.deepEqual(issues(rule, inPicture(web, picture([web, admin], [{ name: 'app-net', hostBindingIpv4: '127.0.0.1' }]))), []);
  assert.deepEqual(issues(rule, inPicture(web, picture([web, admin], undefined, { defaultBindIp: '127.0.0.1' }))), []);
});

test('without a network picture (run lines, requests) it does not apply', () => {
  assert.match(reason(rule, containerFacts({ ports: open })), /no network picture/);
});
