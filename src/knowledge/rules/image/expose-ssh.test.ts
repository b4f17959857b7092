import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './expose-ssh.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('flags 22/tcp in ExposedPorts', () => {
  const out = issues(rule, { image: imageSpec({ exposedPorts: ['80/tcp', '22/tcp'] }), now });
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /exposes 22\/tcp/);
});

test('other ports, 22/udp and 2222 pass', () => {
  assert.deepEqual(issues(rule, { image: imageSpec({ exposedPorts: ['2222/tcp', '22/udp', '8022/tcp'] }), now }), []);
});
