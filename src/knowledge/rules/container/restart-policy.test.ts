import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './restart-policy.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues } from '../test-support/container-cases.ts';

test('flags always and unless-stopped (docker-bench passes them: their retry count is 0)', () => {
  assert.equal(issues(rule, containerFacts({ restartPolicy: { name: 'always', maxRetries: 0 } })).length, 1);
  assert.equal(issues(rule, containerFacts({ restartPolicy: { name: 'unless-stopped', maxRetries: 0 } })).length, 1);
});

test('flags on-failure with no limit (unlimited) or more than 5 retries', () => {
  assert.match(issues(rule, containerFacts({ restartPolicy: { name: 'on-failure', maxRetries: 0 } }))[0]?.message ?? '', /unlimited/);
  assert.match(issues(rule, containerFacts({ restartPolicy: { name: 'on-failure', maxRetries: 6 } }))[0]?.message ?? '', /6 times/);
});

test('passes on-failure:5 and no restart policy', () => {
  assert.deepEqual(issues(rule, containerFacts()), []);
  assert.deepEqual(issues(rule, containerFacts({ restartPolicy: { name: 'no', maxRetries: 0 } })), []);
  assert.deepEqual(issues(rule, containerFacts({ restartPolicy: { name: '', maxRetries: 0 } })), []);
});
