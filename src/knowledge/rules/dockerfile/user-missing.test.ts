import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './user-missing.ts';
import { issuesOf } from './test-support/lint-text.ts';

test('flags a final stage that never sets USER (CIS 4.1)', async () => {
  const issues = await issuesOf('FROM debian:12 AS build\nUSER builder\nFROM debian:12\nRUN useradd app\n', rule);
  assert.deepEqual(issues.map((i) => i.at?.line), [3]);
});

test('passes a USER in the final stage or in the stage it is built on', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nRUN useradd app\nUSER app\n', rule), []);
  assert.deepEqual(await issuesOf('FROM debian:12 AS base\nUSER 10001\nFROM base\nCMD ["x"]\n', rule), []);
});
