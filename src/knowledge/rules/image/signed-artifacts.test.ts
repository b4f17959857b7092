import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './signed-artifacts.ts';
import { imageSpec } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('one info per image saying signatures were not checked, with the digests it was pulled by', () => {
  const out = issues(rule, { image: imageSpec({ repoDigests: ['app@sha256:' + 'd'.repeat(64)] }), now: new Date() });
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(out[0]?.message ?? '', /signature and content trust not checked \(no trust\.signatures entry/);
  assert.match(out[0]?.evidence ?? '', /app@sha256:d+/);
});

test('with a signature status from a trust.signatures policy: a pass when verified, high with the reason when not', () => {
  const image = imageSpec({ repoDigests: ['reg.example/app@sha256:' + 'e'.repeat(64)] });
  assert.deepEqual(issues(rule, { image, now: new Date(), signature: { verified: true, signer: 'key team.pub', reference: 'reg.example/app@sha256:' + 'e'.repeat(64) } }), []);
  const bad = issues(rule, { image, now: new Date(), signature: { verified: false, reason: 'no signature: reg.example/app has no cosign signature tag', policy: 'moat.yaml:3' } });
  assert.equal(bad.length, 1);
  assert.equal(bad[0]?.severity, 'high');
  assert.match(bad[0]?.message ?? '', /no trusted signature: no signature: reg\.example\/app/);
  assert.match(bad[0]?.evidence ?? '', /policy moat\.yaml:3/);
  const unchecked = issues(rule, { image, now: new Date(), signature: { verified: false, unchecked: true, reason: 'reg.example is unreachable' } });
  assert.equal(unchecked[0]?.severity, 'medium');
  assert.match(unchecked[0]?.message ?? '', /could not be checked: reg\.example is unreachable/);
});
