import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './expose-ssh.ts';
import { issuesOf } from './test-support/lint-text.ts';

test('flags EXPOSE 22 at the port', async () => {
  const issues = await issuesOf('FROM debian:12\nEXPOSE 80 22/tcp\n', rule);
  assert.deepEqual(issues.map((i) => [i.at?.line, i.at?.column]), [[2, 11]]);
});

test('passes other ports', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nEXPOSE 2222 8022\n', rule), []);
});
