import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './seccomp-profile.ts';
import { option } from '../test-support/fixtures.ts';
import { factsWith, issues, optionsWith } from './test-support/cases.ts';

const withSeccomp = (profile?: string) => ({ info: { securityOptions: profile === undefined ? [] : [{ name: 'seccomp', details: { profile } }] } });

test("Docker's default profile (default or builtin): one info issue to review", () => {
  for (const p of ['default', 'builtin']) {
    const out = issues(rule, factsWith(withSeccomp(p)));
    assert.equal(out.length, 1);
    assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
    assert.match(out[0]?.message ?? '', /default seccomp profile/);
    assert.deepEqual(out[0]?.at, { path: '/info.SecurityOptions' });
  }
});

test('a custom profile: one info issue naming it, at the option', () => {
  const out = issues(rule, factsWith({ ...withSeccomp('/etc/docker/seccomp.json'), optionList: optionsWith(option('seccomp-profile', '/etc/docker/seccomp.json')) }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(out[0]?.message ?? '', /custom .*\/etc\/docker\/seccomp.json/);
  assert.equal(out[0]?.at?.path, 'seccomp-profile');
});

test('unconfined, or no seccomp at all, is a high issue, not a matter of taste', () => {
  assert.equal(issues(rule, factsWith(withSeccomp('unconfined')))[0]?.severity, 'high');
  const none = issues(rule, factsWith(withSeccomp()));
  assert.equal(none[0]?.severity, 'high');
  assert.match(none[0]?.message ?? '', /no seccomp support/);
});
