import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execCommandOfAction, execDetails, execSeverity, healthcheckCommands, isHealthcheckExec } from './exec.ts';

test('health-check commands as the engine runs them: CMD-SHELL through /bin/sh -c, CMD as is, NONE never', () => {
  assert.deepEqual(healthcheckCommands(['CMD-SHELL', '/tool exit 0']), ['/bin/sh -c /tool exit 0']);
  assert.deepEqual(healthcheckCommands(['CMD', '/tool', 'exit', '0']), ['/tool exit 0']);
  assert.deepEqual(healthcheckCommands(['NONE']), []);
  assert.deepEqual(healthcheckCommands(undefined), []);
  // The event's action for the engine's own probe (captured from dockerd 20.10).
  const cmd = execCommandOfAction('exec_start: /bin/sh -c /tool exit 0');
  assert.ok(isHealthcheckExec(cmd, healthcheckCommands(['CMD-SHELL', '/tool exit 0'])));
  assert.ok(!isHealthcheckExec(execCommandOfAction('exec_start: /tool '), healthcheckCommands(['CMD-SHELL', '/tool exit 0'])));
});

test('exec details come from /exec/{id}/json when it is there; privileged or root execs are high', () => {
  const d = execDetails('e1', '/tool', { id: 'e1', user: '0', privileged: false, command: ['/tool', '--token', 'abcdefgh'], running: true });
  assert.deepEqual(d, { execId: 'e1', command: ['/tool', '--token', '****(8 chars)'], user: '0', privileged: false });
  assert.equal(execSeverity(d), 'high');
  assert.equal(execSeverity({ ...d, user: 'app', privileged: true }), 'high');
  assert.equal(execSeverity({ ...d, user: 'app' }), 'medium');
  const gone = execDetails('e2', '/bin/ls -l', undefined);
  assert.deepEqual(gone, { execId: 'e2', command: ['/bin/ls', '-l'] });
});
