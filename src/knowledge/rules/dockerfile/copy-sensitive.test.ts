import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './copy-sensitive.ts';
import { issuesOf } from './test-support/lint-text.ts';

test('flags .env, .ssh, .git and *.pem copied into the image', async () => {
  const issues = await issuesOf('FROM debian:12\nCOPY .env /app/\nCOPY .ssh/ /root/.ssh/\nADD .git /src/.git\nCOPY certs/server.pem /etc/ssl/\n', rule);
  assert.deepEqual(issues.map((i) => i.at?.line), [2, 3, 4, 5]);
});

test('passes ordinary sources and copies from other stages', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nCOPY src/ /app/\nCOPY --from=build /root/.ssh/known_hosts /etc/ssh/\nCOPY .env.example.md /docs/\n', rule), []);
});
