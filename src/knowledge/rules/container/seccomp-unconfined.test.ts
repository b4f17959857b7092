import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './seccomp-unconfined.ts';
import { containerFacts } from '../test-support/fixtures.ts';

test('flags seccomp=unconfined in either spelling', () => {
  const out = rule.check(containerFacts({ security: { seccomp: 'Unconfined' } }));
  assert.ok(Array.isArray(out) && out.length === 1);
});

test('passes the default profile and a custom one', () => {
  assert.deepEqual(rule.check(containerFacts()), []);
  assert.deepEqual(rule.check(containerFacts({ security: { seccomp: '/etc/docker/seccomp/app.json' } })), []);
});

test('an inline profile that allows by default is unconfined; keys in any case, as Go reads them', () => {
  for (const profile of ['{"defaultAction":"SCMP_ACT_ALLOW"}', ' {"DefaultAction":"SCMP_ACT_LOG","syscalls":[]}', '{"DEFAULTACTION":"SCMP_ACT_ALLOW"}']) {
    const out = rule.check(containerFacts({ security: { seccomp: profile } }));
    assert.ok(Array.isArray(out) && out.length === 1, profile);
    assert.match(out[0]?.message ?? '', /defaultAction is SCMP_ACT_(ALLOW|LOG)/);
  }
  assert.deepEqual(rule.check(containerFacts({ security: { seccomp: '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}' } })), []);
});

test('an inline profile that cannot be read is reported, located', () => {
  const out = rule.check(containerFacts({ security: { seccomp: '{"defaultAction": ' } }));
  assert.ok(Array.isArray(out) && out.length === 1);
  assert.match(out[0]?.message ?? '', /not valid JSON/);
});
