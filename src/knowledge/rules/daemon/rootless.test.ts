import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './rootless.ts';
import { factsWith, issues } from './test-support/cases.ts';

test('a root daemon gets one info issue pointing at /info.SecurityOptions', () => {
  const out = issues(rule, factsWith());
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
  assert.deepEqual(out[0]?.at, { path: '/info.SecurityOptions' });
  assert.match(out[0]?.evidence ?? '', /name=seccomp,profile=builtin/);
});

test('a rootless daemon passes', () => {
  const facts = factsWith({ info: { securityOptions: [{ name: 'seccomp', details: { profile: 'builtin' } }, { name: 'rootless', details: {} }] } });
  assert.deepEqual(issues(rule, facts), []);
});
