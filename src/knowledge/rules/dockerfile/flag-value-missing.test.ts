import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './flag-value-missing.ts';
import { issuesOf } from './test-support/lint-text.ts';

test('issue 12: COPY --from build (no =), which BuildKit rejects, is a located high finding naming the fix', async () => {
  const text = 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM debian:12\nCOPY --from build /app /app\nRUN --mount type=cache,target=/x true\n';
  const issues = await issuesOf(text, rule);
  assert.deepEqual(issues.map((i) => [i.at?.line, i.at?.column]), [[4, 6], [5, 5]]);
  assert.match(issues[0]?.message ?? '', /missing a value on flag: from"; write --from=build/);
});

test('flags with values and boolean flags pass', async () => {
  assert.deepEqual(await issuesOf('FROM --platform=linux/amd64 debian:12 AS b\nCOPY --from=b --link --chown=1:1 /a /a\nADD --keep-git-dir https://x.example/r.git /r\nHEALTHCHECK --interval=30s CMD true\n', rule), []);
});
