import rule from './apt-lists.ts';
import { runHadolintCases } from './test-support/conformance.ts';
import { issuesOf } from './test-support/lint-text.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';

runHadolintCases('DL3009', rule);

test('issue 12: apt-get dist-clean removes the lists; a RUN that only updates is left to dockerfile-update-alone', async () => {
  const text = 'FROM debian:trixie\nRUN apt-get update && apt-get install -y curl && apt-get dist-clean\nRUN apt-get update\nRUN apt-get install -y wget && rm -rf /var/lib/apt/lists/*\nRUN apt-get update && apt-get install -y jq\n';
  assert.deepEqual((await issuesOf(text, rule)).map((i) => i.at?.line), [5]);
});
