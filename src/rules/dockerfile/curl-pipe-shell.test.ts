import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './curl-pipe-shell.ts';
import { issuesOf } from './test-support/lint-text.ts';

test('flags curl | sh and wget -O- | sudo bash, even inside if blocks', async () => {
  const issues = await issuesOf('FROM debian:12\nRUN curl -fsSL https://get.example.com | sh\nRUN if true; then wget -qO- https://x.example | sudo bash -s; fi\n', rule);
  assert.deepEqual(issues.map((i) => i.at?.line), [2, 3]);
  assert.match(issues[1]?.message ?? '', /wget output is piped into bash/);
});

test('passes a download to a file that is verified, and pipes to other programs', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nRUN curl -fsSLo i.sh https://x.example && sha256sum -c sums && sh i.sh\nRUN curl -fsSL https://x.example/k.asc | gpg --dearmor -o /k.gpg\n', rule), []);
});
