import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './healthcheck-missing.ts';
import { issuesOf } from './test-support/lint-text.ts';
import { runHadolintCases } from './test-support/conformance.ts';

runHadolintCases('DL3057', rule);

test('flags a final stage without HEALTHCHECK', async () => {
  const issues = await issuesOf('FROM golang:1.23 AS build\nHEALTHCHECK CMD ["true"]\nFROM debian:12\nCMD ["app"]\n', rule);
  assert.deepEqual(issues.map((i) => i.at?.line), [3]);
});

test('passes a HEALTHCHECK in the final stage or inherited from its base stage', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nHEALTHCHECK CMD ["/ok"]\n', rule), []);
  assert.deepEqual(await issuesOf('FROM debian:12 AS base\nHEALTHCHECK NONE\nFROM base\n', rule), []);
});
