import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './exec-root.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues, lintFacts, problems, reason } from '../test-support/container-cases.ts';
import type { ExecInfo } from '../rule.ts';

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
