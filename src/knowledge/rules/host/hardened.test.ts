import { REMOTE } from './support/file-rules.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './hardened.ts';
import { hostSpec, systemFacts } from '../test-support/fixtures.ts';
import { issuesOf, reasonOf } from './test-support/rule-cases.ts';

test('always asks a person to review the host, with the kernel facts as evidence', () => {
  const out = issuesOf(rule.check(systemFacts()));
  assert.equal(out.length, 1);
  assert.match(out[0]!.message, /review this host/);
  assert.match(out[0]!.evidence ?? '', /Debian GNU\/Linux 12 \(bookworm\), kernel 6\.1\.0; AppArmor enabled, SELinux disabled, cgroup v2/);
  assert.equal(rule.meta.manual, true);
});

test('points out a host with no mandatory access control', () => {
  const out = issuesOf(rule.check(systemFacts({ host: hostSpec({ kernel: { apparmorEnabled: false, selinuxEnabled: false, cgroupVersion: 1 } }) })));
  assert.match(out[0]!.message, /neither AppArmor nor SELinux is enabled/);
});

test('does not apply when the daemon is remote', () => {
  assert.equal(reasonOf(rule.check(systemFacts({ host: undefined }))), REMOTE);
});
