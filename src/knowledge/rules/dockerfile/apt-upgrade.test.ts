import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './apt-upgrade.ts';
import { issuesOf } from './test-support/lint-text.ts';

test('flags apt-get upgrade and dist-upgrade', async () => {
  const issues = await issuesOf('FROM debian:12\nRUN apt-get update && apt-get -y upgrade\nRUN apt-get dist-upgrade -y\n', rule);
  assert.deepEqual(issues.map((i) => i.at?.line), [2, 3]);
});

test('passes installs', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nRUN apt-get install -y --only-upgrade openssl\n', rule), []);
});
