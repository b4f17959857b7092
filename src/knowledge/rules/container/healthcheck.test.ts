import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './healthcheck.ts';
import { containerFacts, imageSpec } from '../test-support/fixtures.ts';
import { issues, lintFacts } from '../test-support/container-cases.ts';

test('flags an inspected container with none (the engine merged the image\'s) and a disabled one', () => {
  assert.match(issues(rule, containerFacts({ healthcheck: undefined }))[0]?.message ?? '', /neither the image/);
  assert.match(issues(rule, containerFacts({ healthcheck: { test: ['NONE'], disabled: true } }))[0]?.message ?? '', /disabled/);
});

test('at the compose door: the image decides when known; unknown is reported saying so', () => {
  assert.deepEqual(issues(rule, { ...lintFacts({ healthcheck: undefined }), image: imageSpec() }), []);
  assert.match(issues(rule, { ...lintFacts({ healthcheck: undefined }), image: imageSpec({ healthcheck: undefined }) })[0]?.message ?? '', /image registry\.example\/app:1\.2\.3 has no HEALTHCHECK/);
  assert.match(issues(rule, lintFacts({ healthcheck: undefined }))[0]?.message ?? '', /image is not known here/);
});

test('passes a configured health check', () => {
  assert.deepEqual(issues(rule, containerFacts()), []);
});
