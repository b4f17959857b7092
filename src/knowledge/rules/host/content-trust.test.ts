import { REMOTE } from './support/file-rules.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule, { contentTrustEnabled } from './content-trust.ts';
import { hostSpec, systemFacts } from '../test-support/fixtures.ts';
import { issuesOf, reasonOf } from './test-support/rule-cases.ts';

const withEnv = (v: string | undefined) => systemFacts({ host: hostSpec({ env: { DOCKER_CONTENT_TRUST: v } }) });

test('fails when DOCKER_CONTENT_TRUST is not set, saying only this environment was checked', () => {
  const out = issuesOf(rule.check(withEnv(undefined)));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /not set in the environment Moat runs in/);
  assert.match(out[0]!.message, /only this environment was checked/);
});

test('fails when it is set to a value the docker CLI reads as false', () => {
  assert.match(issuesOf(rule.check(withEnv('0')))[0]!.message, /"0"/);
  assert.equal(issuesOf(rule.check(withEnv('false'))).length, 1);
});

test('DOCKER_CONTENT_TRUST=1 in use: an info saying it is the older mechanism and what replaces it', () => {
  const inUse = rule.check(withEnv('1')) as Array<{ severity?: string; message: string }>;
  assert.equal(inUse.length, 1);
  assert.equal(inUse[0]?.severity, 'info');
  assert.match(inUse[0]?.message ?? '', /Notary v1\), the older mechanism: .*Sigstore\/cosign signatures replace it/);
});

test("reads the value as the docker CLI does: anything but a false boolean enables trust", () => {
  assert.deepEqual(['1', 'true', 'T', 'yes'].map(contentTrustEnabled), [true, true, true, true]);
  assert.deepEqual([undefined, '', '0', 'f', 'FALSE', 'False'].map(contentTrustEnabled), [false, false, false, false, false, false]);
});

test('does not apply when the daemon is remote', () => {
  assert.equal(reasonOf(rule.check(systemFacts({ host: undefined }))), REMOTE);
});
