import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule, { isSshDaemon } from './sshd.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues, lintFacts, reason } from '../test-support/container-cases.ts';

test('flags sshd among the processes from top, with its pid and user', () => {
  const out = issues(rule, containerFacts({}, { processes: [{ pid: '10', user: 'root', command: '/usr/sbin/sshd -D' }, { pid: '11', user: '10001', command: '/app/server' }] }));
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /pid 10, user root/);
});

test('recognises OpenSSH session children and dropbear, not lookalikes', () => {
  assert.ok(isSshDaemon('sshd: alice@pts/0'));
  assert.ok(isSshDaemon('dropbear -F -E'));
  assert.ok(!isSshDaemon('/usr/bin/ssh-agent'));
  assert.ok(!isSshDaemon('/app/sshd-exporter --port 9100'));
  assert.ok(!isSshDaemon('grep sshd'));
});

test('passes a container without sshd', () => {
  assert.deepEqual(issues(rule, containerFacts({}, { processes: [{ pid: '1', user: '10001', command: '/sleeper' }] })), []);
});

test('not applicable (never a pass) where processes are not known: stopped containers and the lint doors', () => {
  assert.match(reason(rule, containerFacts({ state: { status: 'exited', running: false, pid: 0, restartCount: 0, execIds: [] } })), /not running/);
  assert.match(reason(rule, lintFacts()), /only for running containers/);
});
