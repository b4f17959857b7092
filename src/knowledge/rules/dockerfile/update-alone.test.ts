import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './update-alone.ts';
import { issuesOf } from './test-support/lint-text.ts';

test('flags an update with nothing installed in the same RUN (CIS 4.7)', async () => {
  const issues = await issuesOf('FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\nRUN apk update\n', rule);
  assert.deepEqual(issues.map((i) => i.at?.line), [2, 4]);
});

test('passes update and install together', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN yum update -y && yum install -y x\n', rule), []);
});
