import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './base-digest-required.ts';
import { issuesOf, lintText } from './test-support/lint-text.ts';
import { isNotApplicable } from '../../../models/rule.ts';

const requires = (registry: string, repository: string): string | undefined => (registry === 'registry.example.com' && repository.startsWith('team/') ? 'moat.yaml:3' : undefined);

test('does not apply until a trust.signatures entry requires digests', async () => {
  assert.ok(isNotApplicable(await lintText('FROM registry.example.com/team/base:1\n', rule)));
});

test('FROM by tag of an image the policy covers is flagged; digests, other images, stages and scratch are not', async () => {
  const text = [
    'FROM registry.example.com/team/base:1 AS build',
    'FROM registry.example.com/team/base:1@sha256:' + 'a'.repeat(64),
    'FROM debian:12',
    'FROM build',
    'FROM scratch',
    'FROM registry.example.com/team/runtime',
    '',
  ].join('\n');
  const found = await issuesOf(text, rule, { digestRequiredBy: requires });
  assert.deepEqual(found.map((i) => i.at?.line), [1, 6]);
  assert.equal(found[0]?.message, 'FROM registry.example.com/team/base:1 is pinned by tag, but moat.yaml:3 requires a digest for registry.example.com/team/base: pin it (moat lint --fix writes the registry\'s digest)');
});
