import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './base-untrusted-registry.ts';
import { runHadolintCases } from './test-support/conformance.ts';
import { lintText } from './test-support/lint-text.ts';
import { isNotApplicable } from '../rule.ts';

// hadolint's `allowedRegistries = ["a", "*.b"]` is moat.yaml's `trustedRegistries`.
runHadolintCases('DL3026', rule, (config) => {
  const list = /allowedRegistries\s*=\s*\[([^\]]*)\]/.exec(config)?.[1];
  return list === undefined ? undefined : { trustedRegistries: [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1] as string) };
});

test('does not apply until trusted registries are configured', async () => {
  const o = await lintText('FROM random.example/debian:12\n', rule);
  assert.ok(isNotApplicable(o));
});
