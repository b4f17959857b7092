import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './trusted-base.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

const now = new Date('2026-11-22T00:00:00Z');

test('one info per image saying where it came from', () => {
  const local = issues(rule, { image: imageSpec(), now });
  assert.equal(local.length, 1);
  assert.equal(local[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(local[0]?.message ?? '', /no repo digest/);
  const pulled = issues(rule, { image: imageSpec({ repoDigests: ['debian@sha256:' + 'c'.repeat(64)], labels: { 'org.opencontainers.image.base.name': 'docker.io/library/debian:12' } }), now });
  assert.match(pulled[0]?.message ?? '', /pulled as debian@sha256:c+; base docker\.io\/library\/debian:12/);
});

test('with trusted lists: the base label (else the tag) is judged, untrusted is high', () => {
  const settings = { trustedRegistries: ['docker.io/library'], trustedBaseImages: [] };
  const label = (base: string) => ({ 'org.opencontainers.image.base.name': base });
  assert.deepEqual(issues(rule, { image: imageSpec({ labels: label('docker.io/library/debian:12') }), now, settings }), []);
  const bad = issues(rule, { image: imageSpec({ labels: label('quay.io/someone/base:1') }), now, settings });
  assert.equal(bad[0]?.severity, 'high');
  assert.match(bad[0]?.message ?? '', /its base quay\.io\/someone\/base:1: it comes from quay\.io, not a trusted registry/);
  const byTag = issues(rule, { image: imageSpec(), now, settings: { trustedRegistries: [], trustedBaseImages: ['debian:12*'] } });
  assert.match(byTag[0]?.message ?? '', /its name registry\.example\/app:1\.2\.3 \(no base label\): it is not one of the trusted base images/);
  const untagged = issues(rule, { image: imageSpec({ repoTags: [] }), now, settings });
  assert.equal(untagged[0]?.severity ?? rule.meta.severity, 'info');
});
