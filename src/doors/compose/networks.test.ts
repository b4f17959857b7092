import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containersFromCompose } from './project.ts';
import { composeNetworkPicture } from './networks.ts';

const COMPOSE = `name: shop
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    networks: [front, back]
  db:
    image: postgres:16
    ports: ["5432:5432"]
    networks: [back]
  admin:
    image: portainer/portainer-ce:2
    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
    networks: [back]
  quiet:
    image: busybox:1
    networks: [iso]
  metrics:
    image: prom/node-exporter:1
    network_mode: host
  worker:
    image: busybox:1
networks:
  front: {}
  back:
    internal: false
  iso:
    internal: true
    driver_opts:
      com.docker.network.bridge.enable_icc: "false"
`;

test('what the project would create: named networks with internal and ICC from driver_opts, the default network, the host network', () => {
  const p = composeNetworkPicture('compose.yaml', containersFromCompose(COMPOSE, { file: 'compose.yaml', cwd: '/nonexistent' }));
  const by = new Map(p.networks.map((n) => [n.name, n]));
  assert.deepEqual([...by.keys()].sort(), ['host', 'shop_back', 'shop_default', 'shop_front', 'shop_iso']);
  assert.deepEqual(by.get('shop_back')?.containers, ['web', 'db', 'admin']);
  assert.equal(by.get('shop_iso')?.internal, true);
  assert.equal(by.get('shop_iso')?.icc, false);
  assert.equal(by.get('shop_back')?.icc, true);
  assert.deepEqual(by.get('shop_default')?.containers, ['worker']);
  assert.deepEqual(by.get('host')?.containers, ['metrics']);
  assert.equal(by.get('shop_iso')?.at?.line, 27);
});

test('a non-boolean internal is a located error', () => {
  const bad = 'services:\n  a:\n    image: x\n    networks: [n]\nnetworks:\n  n:\n    internal: maybe\n';
  assert.throws(() => composeNetworkPicture('c.yaml', containersFromCompose(bad, { file: 'c.yaml', cwd: '/nonexistent' })), /c\.yaml:7:\d+.*networks\.n\.internal must be true or false, found "maybe"/);
});
