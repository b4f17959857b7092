import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './secrets.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('finds secrets in ENV, labels and recorded build arguments, masked and located', () => {
  const image = imageSpec({
    env: ['PATH=/usr/bin', 'DB_PASSWORD=hunter2hunter2', 'AWS_ID=AKIAABCDEFGHIJKLMNOP'],
    labels: { 'com.example.deploy-token': 'glpat-abcdefghijklmnopqrstu', maintainer: 'ops@example.com' },
    history: [
      { createdBy: '|1 NPM_TOKEN=abcdef0123456789abcd /bin/sh -c npm ci', size: 0 },
      { createdBy: '/bin/sh -c #(nop)  ARG GITHUB_TOKEN=ghp_' + 'x'.repeat(36), size: 0 },
      { createdBy: '/bin/sh -c #(nop)  ARG VERSION=1.2', size: 0 },
    ],
  });
  const out = issues(rule, { image, now });
  assert.deepEqual(out.map((i) => i.at?.path), ['Config.Env[1]', 'Config.Env[2]', 'Config.Labels["com.example.deploy-token"]', 'GET /images/{id}/history[0].CreatedBy', 'GET /images/{id}/history[1].CreatedBy']);
  for (const i of out) {
    assert.ok(!/hunter2hunter2|ABCDEFGHIJKLMNOP|abcdefghijklmnopqrstu|abcdef0123456789abcd|x{36}/.test(`${i.message} ${i.evidence}`), `unmasked: ${i.evidence}`);
  }
});

test('passes ordinary metadata', () => {
  assert.deepEqual(issues(rule, { image: imageSpec({ env: ['PATH=/usr/bin', 'PASSWORD_FILE=/run/secrets/pw'], labels: { 'org.opencontainers.image.version': '1.2.3' } }), now }), []);
});
