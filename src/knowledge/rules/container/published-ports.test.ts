import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './published-ports.ts';
import { containerFacts } from '../test-support/fixtures.ts';
import { issues, problems } from '../test-support/container-cases.ts';

test('lists published ports for a person to confirm (info, not a failure)', () => {
  const out = issues(rule, containerFacts());
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity ?? rule.meta.severity, 'info');
  assert.match(out[0]?.message ?? '', /publishes 127\.0\.0\.1:8080->8080\/tcp: confirm/);
});

test('-P (publish all) is a problem', () => {
  const out = problems(rule, containerFacts({ ports: [], publishAllPorts: true, where: { publishAllPorts: { path: 'HostConfig.PublishAllPorts' } } }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'low');
  assert.deepEqual(out[0]?.at, { path: 'HostConfig.PublishAllPorts' });
});

test('passes a container that publishes nothing', () => {
  assert.deepEqual(issues(rule, containerFacts({ ports: [] })), []);
});
