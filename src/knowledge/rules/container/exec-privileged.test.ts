import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './exec-privileged.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues, lintFacts, problems, reason } from '../test-support/container-cases.ts';
import type { ExecInfo } from '../../../models/rule.ts';

const exec = (over: Partial<ExecInfo> = {}): ExecInfo => ({ id: 'e'.repeat(64), user: '', privileged: false, command: ['/bin/sh'], running: true, ...over });

test('flags a privileged exec, naming it', () => {
  const out = problems(rule, containerFacts({}, { execs: [exec({ privileged: true }), exec({ id: 'f'.repeat(64) })] }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /^exec eeeeeeeeeeee \(\/bin\/sh\) runs privileged/);
});

test('with no privileged exec, one info says what the engine cannot show', () => {
  const out = issues(rule, containerFacts({}, { execs: [exec()] }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'info');
  assert.match(out[0]?.message ?? '', /1 exec instance\(s\) known, none privileged; the engine lists only exec instances still running or never started/);
});

test('a container that never started had no exec: a plain pass', () => {
  assert.deepEqual(issues(rule, containerFacts({ state: { status: 'created', running: false, pid: 0, restartCount: 0, execIds: [], startedAt: '0001-01-01T00:00:00Z' } }, { execs: [] })), []);
});

test('not applicable where execs cannot be known (lint doors)', () => {
  assert.match(reason(rule, lintFacts()), /only for containers that exist/);
});
