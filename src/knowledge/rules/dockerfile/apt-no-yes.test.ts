import rule from './apt-no-yes.ts';
import { runHadolintCases } from './test-support/conformance.ts';
import { issuesOf } from './test-support/lint-text.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';

runHadolintCases('DL3014', rule);

test('issue 12: a simulated install (-s, --simulate, --dry-run, --just-print, --no-act, --recon) asks nothing', async () => {
  const text = 'FROM debian:12\nRUN apt-get install -s curl\nRUN apt-get install --simulate curl\nRUN apt-get --dry-run install curl\nRUN apt-get install --just-print curl\nRUN apt-get install --no-act curl\nRUN apt-get install --recon curl\nRUN apt-get install -qs curl\nRUN apt-get install curl\n';
  assert.deepEqual((await issuesOf(text, rule)).map((i) => i.at?.line), [9]);
});
