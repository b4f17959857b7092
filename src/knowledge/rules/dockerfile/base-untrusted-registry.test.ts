import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './base-untrusted-registry.ts';
import { runHadolintCases } from './test-support/conformance.ts';
import { lintText } from './test-support/lint-text.ts';
import { isNotApplicable } from '../../../models/rule.ts';

// hadolint's `allowedRegistries = ["a", "*.b"]` is moat.yaml's `trustedRegistries`.
runHadolintCases('DL3026', rule, (config) => {
  const list = /allowedRegistries\s*=\s*\[([^\]]*)\]/.exec(config)?.[1];
  return list === undefined ? undefined : { trustedRegistries: [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1] as string) };
});

test('does not apply until trusted registries are configured', async () => {
  const o = await lintText('FROM random.example/debian:12\n', rule);
  assert.ok(isNotApplicable(o));
});

test('moat.yaml trust.registries may name a path under a registry, and trust.baseImages the bases', async () => {
  const { issuesOf } = await import('./test-support/lint-text.ts');
  const text = 'FROM debian:12-slim\nFROM gcr.io/distroless/static:nonroot\nFROM someone/debian:12\n';
  assert.deepEqual((await issuesOf(text, rule, { trustedRegistries: ['docker.io/library', 'gcr.io/distroless'] })).map((i) => i.at?.line), [3]);
  assert.deepEqual((await issuesOf(text, rule, { trustedBaseImages: ['debian:12-slim', 'gcr.io/distroless/*'] })).map((i) => i.at?.line), [3]);
  assert.deepEqual((await issuesOf('FROM debian:11\n', rule, { trustedBaseImages: ['debian:12*'] })).map((i) => i.message), ['FROM debian:11 is not one of the trusted base images']);
});
