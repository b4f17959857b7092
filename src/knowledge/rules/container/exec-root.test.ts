import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './exec-root.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues, lintFacts, problems, reason } from '../test-support/container-cases.ts';
import type { ExecInfo } from '../../../models/rule.ts';

const exec = (user: string): ExecInfo => ({ id: 'a'.repeat(64), user, privileged: false, command: ['/bin/sh', '-c', 'id'], running: true });

test('flags --user root, --user 0 and 0:0', () => {
  for (const u of ['root', '0', '0:0']) assert.equal(problems(rule, containerFacts({}, { execs: [exec(u)] })).length, 1, u);
});

test('an exec without --user inherits the container user: root only when the container runs as root', () => {
  assert.equal(problems(rule, containerFacts({ user: undefined }, { execs: [exec('')] })).length, 1);
  assert.equal(problems(rule, containerFacts({}, { execs: [exec('')] })).length, 0);
});

test('passes execs as other users, with the info about what the engine forgets', () => {
  const out = issues(rule, containerFacts({}, { execs: [exec('10001')] }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'info');
  assert.match(out[0]?.message ?? '', /none as root/);
});

test('not applicable at the lint doors', () => {
  assert.ok(reason(rule, lintFacts()).length > 0);
});

test("the engine's own health-check probes (execs as the container's user) are not counted", () => {
  const probe: ExecInfo = { id: 'b'.repeat(64), user: '', privileged: false, command: ['/app/healthcheck'], running: true };
  const out = issues(rule, containerFacts({ user: undefined, healthcheck: { test: ['CMD', '/app/healthcheck'], disabled: false } }, { execs: [probe] }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'info');
  assert.match(out[0]?.message ?? '', /no exec instance is known \(and 1 health-check probe/);
  const shell: ExecInfo = { ...probe, command: ['/bin/sh', '-c', 'curl -f localhost'] };
  assert.equal(problems(rule, containerFacts({ user: undefined, healthcheck: { test: ['CMD-SHELL', 'curl -f localhost'], disabled: false } }, { execs: [shell] })).length, 0);
  assert.equal(problems(rule, containerFacts({ user: undefined, healthcheck: { test: ['CMD', '/other'], disabled: false } }, { execs: [probe] })).length, 1, 'any other command counts');
  // The probe's command run as root in a non-root container is someone's exec, not the engine's probe.
  assert.equal(problems(rule, containerFacts({ user: '10001', healthcheck: { test: ['CMD', '/app/healthcheck'], disabled: false } }, { execs: [{ ...probe, user: '0' }] })).length, 1);
});
