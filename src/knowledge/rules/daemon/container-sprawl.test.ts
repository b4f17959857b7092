import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './container-sprawl.ts';
import { isNotApplicable } from '../../../models/rule.ts';
import { systemFacts } from '../test-support/fixtures.ts';
import { issues } from './test-support/cases.ts';

const counts = { images: 40, unusedImages: 12, containers: 30, stoppedContainers: 12 };

test('without a limit in moat.yaml the count is reported for review (info), never a silent pass', () => {
  const out = issues(rule, systemFacts({ sprawl: counts }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, 'info');
  assert.match(out[0]!.message, /^12 of \d+ containers /);
  assert.match(out[0]!.message, /sprawl\.maxStoppedContainers/);
});

test('more than sprawl.maxStoppedContainers fails, saying both numbers', () => {
  const out = issues(rule, systemFacts({ sprawl: counts, sprawlLimits: { maxStoppedContainers: 11 } }));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.severity, undefined);
  assert.match(out[0]!.message, /12 of \d+ .*more than sprawl\.maxStoppedContainers \(11\)/);
});

test('at or under sprawl.maxStoppedContainers passes', () => {
  assert.deepEqual(issues(rule, systemFacts({ sprawl: counts, sprawlLimits: { maxStoppedContainers: 12 } })), []);
  assert.deepEqual(issues(rule, systemFacts({ sprawl: { ...counts, stoppedContainers: 0 }, sprawlLimits: { maxStoppedContainers: 0 } })), []);
});

test('counts that were not read make the rule not applicable, not a pass', () => {
  assert.ok(isNotApplicable(rule.check(systemFacts())));
});
